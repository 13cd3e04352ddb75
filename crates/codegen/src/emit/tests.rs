//! The edits' unit tests: a small fixture shaped like progenitor's output in, the expected code and count of places
//! changed out; one test at least per entry of [`EDITS`] ([`every_edit_has_a_test`]), plus the checks around the
//! table and the side files (run by `cargo test -p okta-management-codegen`).

use super::models::{LenientCounts, lenient_codecs};
use super::*;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

/// Both files as token strings, so a mismatch shows the code.
fn assert_same(actual: &syn::File, expected: &syn::File) {
    assert_eq!(actual.to_token_stream().to_string(), expected.to_token_stream().to_string());
}

/// Runs `edit` on the code `before` with `context`; checks that it changed `count` places and left the code `after`.
fn check_edit(edit: Apply, context: &Context, before: TokenStream, after: TokenStream, count: usize) {
    let mut file: syn::File = syn::parse2(before).expect("the fixture parses");
    let expected: syn::File = syn::parse2(after).expect("the expected code parses");
    assert_eq!(edit(&mut file, context), Ok(count));
    assert_same(&file, &expected);
}

/// [`check_edit`] for an edit that needs nothing from the context.
fn check(edit: Apply, before: TokenStream, after: TokenStream, count: usize) {
    check_edit(edit, &Context::default(), before, after, count);
}

/// The items of a fixture's `types` module, as a file.
fn types_module(items: TokenStream) -> syn::File {
    syn::parse_quote! { pub mod types { #items } }
}

#[test]
fn only_request_bodies_keep_their_builders_and_all_optional_models_derive_default() {
    // Untouched: a request body's model and builder (the client's `body_map` names it), models that have a
    // `Default` already or a required field.
    let kept = quote! {
        pub struct CreateUserRequest {
            pub login: ::std::string::String,
        }
        #[derive(Default)]
        pub struct Links {
            pub next: ::std::option::Option<::std::string::String>,
        }
        pub struct Manual {
            pub tags: ::std::vec::Vec<::std::string::String>,
        }
        impl Default for Manual {
            fn default() -> Self { todo() }
        }
        impl CreateUserRequest {
            pub fn builder() -> builder::CreateUserRequest { Default::default() }
        }
    };
    let kept_builder = quote! {
        pub struct CreateUserRequest {
            login: ::std::result::Result<::std::string::String, ::std::string::String>,
        }
    };
    let client = quote! {
        impl<'a> CreateUser<'a> {
            pub fn body_map<F>(self, f: F) -> Self
            where
                F: FnOnce(types::builder::CreateUserRequest) -> types::builder::CreateUserRequest,
            {
                self
            }
        }
    };
    let before = quote! {
        pub mod types {
            pub struct User {
                pub id: ::std::option::Option<::std::string::String>,
            }
            #kept
            impl User {
                pub fn builder() -> builder::User { Default::default() }
            }
            pub mod builder {
                pub struct User {
                    id: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                }
                impl ::std::convert::From<super::User> for User {
                    fn from(value: super::User) -> Self { todo() }
                }
                #kept_builder
            }
        }
        #client
    };
    let after = quote! {
        pub mod types {
            #[derive(Default)]
            pub struct User {
                pub id: ::std::option::Option<::std::string::String>,
            }
            #kept
            pub mod builder {
                #kept_builder
            }
        }
        #client
    };
    // The builder `User` dropped, `Default` derived on the model `User`.
    check(slim_models, before, after, 2);
}

#[test]
fn struct_builders_start_their_extra_map_empty() {
    // typify's builders' `Default`s, starting `extra` as given, beside a function that only looks like one.
    let builders = |extra: TokenStream| {
        quote! {
            pub mod types {
                pub mod builder {
                    impl Default for Group {
                        fn default() -> Self {
                            Self {
                                name: Err("no value supplied for name".to_string()),
                                extra: #extra,
                            }
                        }
                    }
                    impl Default for Role {
                        fn default() -> Self {
                            Self { extra: #extra }
                        }
                    }
                    fn unrelated() -> Other {
                        Other { extra: Err("something else".to_string()), name: Err("no value supplied for extra".to_string()) }
                    }
                }
            }
        }
    };
    let (before, after) = (quote!(Err("no value supplied for extra".to_string())), quote!(Ok(Default::default())));
    check(start_extra_maps_empty, builders(before), builders(after), 2);
}

#[test]
fn optional_nullable_properties_become_tri_state_fields_with_their_builders() {
    let doc = serde_json::json!({"components": {"schemas": {
        "UserProfile": {"type": "object", "required": ["login"], "properties": {
            "login": {"type": "string", "nullable": true},
            "mobilePhone": {"type": "string", "nullable": true},
            "email": {"type": "string"}
        }}
    }}});
    let context = Context { nullable: nullable_properties(&doc), ..Context::default() };
    let (login, email) = (
        quote!(pub login: ::std::option::Option<::std::string::String>,),
        quote! {
            #[serde(skip_serializing_if = "::std::option::Option::is_none")]
            pub email: ::std::option::Option<::std::string::String>,
        },
    );
    let email_builder =
        quote!(email: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,);
    let before = quote! {
        pub mod types {
            pub struct UserProfile {
                #login
                #[serde(rename = "mobilePhone", skip_serializing_if = "::std::option::Option::is_none")]
                pub mobile_phone: ::std::option::Option<::std::string::String>,
                #email
            }
            pub mod builder {
                pub struct UserProfile {
                    mobile_phone: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                    #email_builder
                }
                impl UserProfile {
                    pub fn mobile_phone<T>(mut self, value: T) -> Self
                    where
                        T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                    {
                        self
                    }
                }
            }
        }
    };
    let after = quote! {
        pub mod types {
            pub struct UserProfile {
                #login
                #[serde(default, rename = "mobilePhone", skip_serializing_if = "crate::Field::is_absent")]
                pub mobile_phone: crate::Field<::std::string::String>,
                #email
            }
            pub mod builder {
                pub struct UserProfile {
                    mobile_phone: ::std::result::Result<crate::Field<::std::string::String>, ::std::string::String>,
                    #email_builder
                }
                impl UserProfile {
                    pub fn mobile_phone<T>(mut self, value: T) -> Self
                    where
                        T: ::std::convert::TryInto<crate::Field<::std::string::String>>,
                    {
                        self
                    }
                }
            }
        }
    };
    assert_eq!(context.nullable.iter().collect::<Vec<_>>(), [&("UserProfile".to_string(), "mobilePhone".to_string())]);
    check_edit(tri_state_nullable_fields, &context, before, after, 1);
}

#[test]
fn numbers_become_serde_json_numbers_everywhere_in_the_models() {
    let before = quote! {
        pub mod types {
            pub struct Settings {
                pub ttl: ::std::option::Option<f64>,
                pub count: ::std::option::Option<i64>,
            }
            pub enum Default { Number(f64), Text(::std::string::String) }
            impl ::std::convert::From<f64> for Default {
                fn from(value: f64) -> Self { Self::Number(value) }
            }
        }
    };
    let after = quote! {
        pub mod types {
            pub struct Settings {
                pub ttl: ::std::option::Option<::serde_json::Number>,
                pub count: ::std::option::Option<i64>,
            }
            pub enum Default { Number(::serde_json::Number), Text(::std::string::String) }
            impl ::std::convert::From<::serde_json::Number> for Default {
                fn from(value: ::serde_json::Number) -> Self { Self::Number(value) }
            }
        }
    };
    check(numbers_keep_their_form, before, after, 4);
}

/// Serde types the lenient decoding edit leaves as they are, and adds a codec for: a transparent newtype, an
/// untagged enum, a struct that is not serde's, a request body's builder.
fn untouched_by_lenient_decoding() -> TokenStream {
    quote! {
        #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
        #[serde(transparent)]
        pub struct Label(pub ::std::string::String);
        #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
        #[serde(untagged)]
        pub enum Aud {
            One(::std::string::String),
            Many(::std::vec::Vec<::std::string::String>),
        }
        #[derive(Clone, Debug)]
        pub struct NotSerde {
            pub a: u8,
        }
        pub mod builder {
            #[derive(Clone, Debug)]
            pub struct User {
                id: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
            }
        }
    }
}

#[test]
fn models_trade_serde_derives_for_the_lenient_codecs() {
    let untouched = untouched_by_lenient_decoding();
    let fixture = || {
        types_module(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
            #[derive(Default)]
            pub struct User {
                #[serde(default, rename = "lastLogin", skip_serializing_if = "crate::Field::is_absent")]
                pub last_login: crate::Field<crate::Timestamp>,
                #[serde(rename = "type", skip_serializing_if = "::std::option::Option::is_none")]
                pub type_: ::std::option::Option<UserType>,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub id: ::std::option::Option<::std::string::String>,
                #[serde(flatten)]
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }
            #untouched
        })
    };
    let expected = types_module(quote! {
        #[derive(Clone, Debug, PartialEq)]
        #[derive(Default)]
        pub struct User {
            pub last_login: crate::Field<crate::Timestamp>,
            pub type_: ::std::option::Option<UserType>,
            pub id: ::std::option::Option<::std::string::String>,
            pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }
        #untouched
        ::okta_management_decode::object!(User, extra { last_login: "lastLogin", type_: "type", id: "id" });
        ::okta_management_decode::newtype!(Label, ::std::string::String);
        ::okta_management_decode::via_json!(Aud, "one of several kinds");
    });
    let mut file = fixture();
    let counts = lenient_codecs(&mut file, false).unwrap();
    assert_eq!(counts, LenientCounts { objects: 1, newtypes: 1, via_json: 1, serde_types: 3 });
    assert_same(&file, &expected);
    // The edit as the table runs it: the count is of the structs with `extra`.
    check(decode_models_leniently, fixture().into_token_stream(), expected.into_token_stream(), 1);
}

#[test]
fn the_benchmark_floor_keeps_serde_derives_and_adds_lenient_through_json() {
    let user = quote! {
        #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
        pub struct User {
            #[serde(rename = "lastLogin", default, skip_serializing_if = "crate::Field::is_absent")]
            pub last_login: crate::Field<crate::Timestamp>,
            #[serde(flatten)]
            pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }
    };
    let mut file = types_module(user.clone());
    let counts = lenient_codecs(&mut file, true).unwrap();
    assert_eq!(counts, LenientCounts { objects: 1, newtypes: 0, via_json: 0, serde_types: 1 });
    let expected = types_module(quote! { #user ::okta_management_decode::via_json!(User, "object"); });
    assert_same(&file, &expected);
}

#[test]
fn a_serde_attribute_the_lenient_codecs_do_not_know_fails_the_build() {
    let mut file = types_module(quote! {
        #[derive(::serde::Deserialize, ::serde::Serialize)]
        pub struct User {
            #[serde(default = "defaults::id")]
            pub id: ::std::option::Option<::std::string::String>,
            #[serde(flatten)]
            pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }
    });
    let error = decode_models_leniently(&mut file, &Context::default()).err().unwrap_or_default();
    assert!(error.starts_with("User.id: "), "{error}");
}

#[test]
fn the_builders_client_field_becomes_crate_visible_and_nothing_else() {
    let outside = quote! {
        pub struct Client {
            pub(crate) baseurl: String,
            client: reqwest::Client,
        }
        pub struct Elsewhere<'a> {
            client: &'a super::Client,
        }
    };
    let untouched_builders = quote! {
        pub struct Exposed<'a> {
            pub client: &'a super::Client,
        }
        pub struct Owned {
            client: super::Client,
        }
        impl<'a> GetUser<'a> {
            pub fn new(client: &'a super::Client) -> Self {
                Self { client }
            }
        }
    };
    let before = quote! {
        #outside
        pub mod builder {
            pub struct ListUsers<'a> {
                client: &'a super::Client,
                limit: Result<Option<i32>, String>,
            }
            pub struct GetUser<'a> {
                client: &'a super::Client,
            }
            #untouched_builders
        }
    };
    let after = quote! {
        #outside
        pub mod builder {
            pub struct ListUsers<'a> {
                pub(crate) client: &'a super::Client,
                limit: Result<Option<i32>, String>,
            }
            pub struct GetUser<'a> {
                pub(crate) client: &'a super::Client,
            }
            #untouched_builders
        }
    };
    check(expose_builder_client, before, after, 2);
}

/// What [`own_the_send_path`] writes in place of a `send` whose statements before its `OperationInfo` are
/// `request` (already edited), and whose body is read by `read` into `output`.
fn split_send_of(request: TokenStream, read: TokenStream, output: TokenStream, operation: &str) -> TokenStream {
    quote! {
        /// The HTTP request this builder describes, checked but not sent.
        pub(crate) fn into_request(self) -> ::std::result::Result<(&'a super::Client, ::reqwest::Request), crate::Error> {
            #request
            Ok((client, request))
        }
        ///
        /// Returns the decoded body; [`send_with_response`](Self::send_with_response) also gives the status
        /// and headers.
        pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<#output, crate::Error>> {
            crate::transport::body(self.send_with_response())
        }
        /// Like [`send`](Self::send), keeping the response's status and headers (`X-Okta-Request-Id`,
        /// `X-Rate-Limit-*`).
        pub fn send_with_response(self) -> impl ::std::future::Future<Output = ::std::result::Result<crate::Response<#output>, crate::Error>> {
            #read(self.into_request(), #operation)
        }
    }
}

#[test]
fn send_is_split_into_a_request_and_the_crates_transport() {
    let get_user = quote! {
        pub struct GetUser<'a> {
            client: &'a super::Client,
            id: Result<String, String>,
        }
    };
    let before = quote! {
        pub mod builder {
            #get_user
            impl<'a> GetUser<'a> {
                pub fn new(client: &'a super::Client) -> Self {
                    Self { client, id: Err("id was not initialized".to_string()) }
                }
                ///Sends a `GET` request to `/api/v1/users/{id}`
                pub async fn send(self) -> Result<ResponseValue<types::User>, Error<types::Error>> {
                    let Self { client, id } = self;
                    let id = id.map_err(Error::InvalidRequest)?;
                    let url = format!("{}/api/v1/users/{}", client.baseurl, encode_path(&id));
                    header_map.append("If-Match", value.to_string().try_into()?);
                    #[allow(unused_mut)]
                    let mut request = client.client.get(url).build()?;
                    let info = OperationInfo { operation_id: "get_user" };
                    client.pre(&mut request, &info).await?;
                    let result = client.exec(request, &info).await;
                    let response = result?;
                    match response.status().as_u16() {
                        200u16 => ResponseValue::from_response(response).await,
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
            impl<'a> DeleteUser<'a> {
                pub async fn send(self) -> Result<ResponseValue<()>, Error<types::Error>> {
                    let Self { client } = self;
                    let mut request = client.client.delete("u").build()?;
                    let info = OperationInfo { operation_id: "delete_user" };
                    match 0 { _ => Ok(ResponseValue::empty(response)) }
                }
            }
            impl<'a> GetLogo<'a> {
                pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<()>> {
                    let Self { client } = self;
                    let mut request = client.client.get("l").build()?;
                    let info = OperationInfo { operation_id: "get_logo" };
                    match 0 { _ => Ok(ResponseValue::stream(response)) }
                }
            }
        }
    };
    let delete_user = split_send_of(
        quote! {
            let Self { client } = self;
            let mut request = client.client.delete("u").build().map_err(crate::transport::unbuildable_request)?;
        },
        quote!(crate::transport::empty),
        quote!(()),
        "delete_user",
    );
    let get_logo = split_send_of(
        quote! {
            let Self { client } = self;
            let mut request = client.client.get("l").build().map_err(crate::transport::unbuildable_request)?;
        },
        quote!(crate::transport::bytes),
        quote!(crate::ByteStream),
        "get_logo",
    );
    // The one JSON body written out in full; the two others through `split_send_of`.
    let after = quote! {
        pub mod builder {
            #get_user
            impl<'a> GetUser<'a> {
                pub(crate) fn new(client: &'a super::Client) -> Self {
                    Self { client, id: Err("id was not initialized".to_string()) }
                }
                /// The HTTP request this builder describes, checked but not sent.
                pub(crate) fn into_request(self) -> ::std::result::Result<(&'a super::Client, ::reqwest::Request), crate::Error> {
                    let Self { client, id } = self;
                    let id = id.map_err(crate::Error::InvalidRequest)?;
                    let url = format!("{}/api/v1/users/{}", client.baseurl, encode_path(&id));
                    header_map.append("If-Match", value.to_string().try_into().map_err(|_| crate::transport::invalid_header("If-Match"))?);
                    #[allow(unused_mut)]
                    let mut request = client.client.get(url).build().map_err(crate::transport::unbuildable_request)?;
                    Ok((client, request))
                }
                ///Sends a `GET` request to `/api/v1/users/{id}`
                ///
                /// Returns the decoded body; [`send_with_response`](Self::send_with_response) also gives the status
                /// and headers.
                pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<types::User, crate::Error>> {
                    crate::transport::body(self.send_with_response())
                }
                /// Like [`send`](Self::send), keeping the response's status and headers (`X-Okta-Request-Id`,
                /// `X-Rate-Limit-*`).
                pub fn send_with_response(self) -> impl ::std::future::Future<Output = ::std::result::Result<crate::Response<types::User>, crate::Error>> {
                    crate::transport::model(self.into_request(), "get_user")
                }
                /// Like [`send`](Self::send), decoding the body into a type of yours instead of the generated model:
                /// e.g. a struct with your org's custom profile attributes, with `#[serde(flatten)]` for the rest.
                pub fn send_as<T: ::serde::de::DeserializeOwned>(self) -> impl ::std::future::Future<Output = ::std::result::Result<T, crate::Error>> {
                    crate::transport::body(crate::transport::json::<T>(self.into_request(), "get_user"))
                }
            }
            impl<'a> DeleteUser<'a> {
                #delete_user
            }
            impl<'a> GetLogo<'a> {
                #get_logo
            }
        }
    };
    check(own_the_send_path, before, after, 3);
}

#[test]
fn a_send_of_an_unknown_shape_fails_the_build_by_name() {
    let mut file: syn::File = syn::parse_quote! {
        pub mod builder {
            impl<'a> GetUser<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::User>, Error<()>> {
                    let request = client.client.get(url).build()?;
                    let result = client.exec(request).await;
                }
            }
        }
    };
    let err = own_the_send_path(&mut file, &Context::default()).unwrap_err();
    assert!(err.contains("own_the_send_path") && err.contains("OperationInfo"), "{err}");
}

#[test]
fn operation_methods_move_to_the_public_client_and_the_docs_follow() {
    let uses = quote! {
        pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
        use progenitor_client::{encode_path, ClientHooks};
        impl Client {
            pub fn new(baseurl: &str) -> Self { todo() }
        }
    };
    let before = quote! {
        #uses
        impl Client {
            /// Lists users
            pub fn list_users(&self) -> builder::ListUsers<'_> {
                builder::ListUsers::new(self)
            }
        }
        pub mod builder {
            #[doc = "Builder for [`Client::list_users`]\n\n[`Client::list_users`]: super::Client::list_users"]
            pub struct ListUsers<'a> {
                client: &'a super::Client,
            }
        }
    };
    let after = quote! {
        #uses
        pub mod builder {
            #[doc = "Builder for [`Client::list_users`]\n\n[`Client::list_users`]: crate::Client::list_users"]
            pub struct ListUsers<'a> {
                client: &'a super::Client,
            }
        }
        impl crate::Client {
            /// Lists users
            pub fn list_users(&self) -> builder::ListUsers<'_> {
                builder::ListUsers::new(&self.api)
            }
        }
    };
    check(move_operations_to_public_client, before, after, 1);
}

#[test]
fn progenitors_re_exports_become_private() {
    let before = quote! {
        pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
        use progenitor_client::{encode_path, ClientHooks};
        pub use other::Thing;
    };
    let after = quote! {
        use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
        use progenitor_client::{encode_path, ClientHooks};
        pub use other::Thing;
    };
    check(keep_progenitor_private, before, after, 1);
}

#[test]
fn path_parameters_are_encoded_by_the_crates_strict_encoder() {
    let before = quote! {
        fn into_request(self) {
            let url = format!("{}/api/v1/users/{}/groups/{}", client.baseurl, encode_path(&id.to_string()), encode_path(&g));
            let other = encode_path(&x);
            let untouched = progenitor_client::encode_path(&y);
        }
    };
    let after = quote! {
        fn into_request(self) {
            let url = format!("{}/api/v1/users/{}/groups/{}", client.baseurl, crate::transport::encode_path_segment(&id.to_string())?, crate::transport::encode_path_segment(&g)?);
            let other = crate::transport::encode_path_segment(&x)?;
            let untouched = progenitor_client::encode_path(&y);
        }
    };
    check(encode_path_segments_strictly, before, after, 3);
}

#[test]
fn the_public_methods_progenitor_wrote_on_its_client_are_read_sorted() {
    let file: syn::File = syn::parse_quote! {
        impl Client {
            pub fn new(baseurl: &str) -> Self { todo() }
            fn private(&self) {}
        }
        impl Client {
            pub fn list_users(&self) -> builder::ListUsers<'_> { builder::ListUsers::new(self) }
            pub fn get_user(&self) -> builder::GetUser<'_> { builder::GetUser::new(self) }
        }
        impl ClientInfo<()> for Client {
            fn api_version() -> &'static str { "1" }
        }
    };
    assert_eq!(client_methods(&file), ["get_user", "list_users", "new"]);
}

/// The edits the tests above cover, written by hand: an edit added to [`EDITS`] without a test fails
/// [`every_edit_has_a_test`].
const TESTED: &[&str] = &[
    "slim_models",
    "start_extra_maps_empty",
    "tri_state_nullable_fields",
    "numbers_keep_their_form",
    "decode_models_leniently",
    "expose_builder_client",
    "own_the_send_path",
    "move_operations_to_public_client",
    "keep_progenitor_private",
    "encode_path_segments_strictly",
];

#[test]
fn every_edit_has_a_test() {
    let mut edits: Vec<&str> = EDITS.iter().map(|e| e.name).collect();
    let mut tested = TESTED.to_vec();
    edits.sort_unstable();
    tested.sort_unstable();
    assert_eq!(edits, tested, "the edits of EDITS, each once, are the edits with a unit test (named in TESTED)");
}

#[test]
fn the_edits_are_listed_in_the_order_they_run() {
    let parts: Vec<Part> = EDITS.iter().map(|e| e.part).collect();
    assert!(parts.is_sorted(), "EDITS runs part by part (Whole, Models, Client); list them so: {parts:?}");
}

#[test]
fn an_edit_that_changed_an_unexpected_number_of_places_fails_by_name() {
    assert!(
        Expected::AtLeastOne.accepts(3, 728)
            && Expected::AtLeastOne.accepts(0, 0)
            && !Expected::AtLeastOne.accepts(0, 728)
    );
    assert!(Expected::EveryOperation.accepts(728, 728) && !Expected::EveryOperation.accepts(727, 728));
    assert!(Expected::Exactly(1).accepts(1, 0) && !Expected::Exactly(1).accepts(2, 2));
    assert!(Expected::Any.accepts(0, 728));
    // Two operations, one builder: `expose_builder_client` (one per operation) fails, with its name.
    let mut file: syn::File = syn::parse_quote! {
        pub mod builder {
            pub struct ListUsers<'a> {
                client: &'a super::Client,
            }
        }
    };
    let context = Context { operations: 2, ..Context::default() };
    let err = run_edits(Part::Client, &mut file, &context).unwrap_err();
    assert!(err.contains("`expose_builder_client` changed 1 places") && err.contains("emit/"), "{err}");
}

#[test]
fn every_generated_rust_side_file_says_what_generated_it() {
    let n = Normalised::default();
    let doc = serde_json::json!({"components": {"schemas": {}}});
    for (name, text) in side_files::side_files(&doc, &n, &[], "2025.01.1", "00") {
        let first = text.lines().next().unwrap_or_default();
        match name {
            "okta_spec.rs" | "normalisation-report.txt" => assert!(!first.contains("Generated by"), "{name}: {first}"),
            _ => assert!(first.starts_with(side_files::GENERATED_BY), "{name}: {first}"),
        }
        assert!(!text.contains("build.rs"), "{name} names build.rs as its generator: {first}");
    }
}
