//! The edits of progenitor's client and builders (written to `okta_generated.rs`, compiled by okta-management): the
//! builders send through the crate's transport and error, and the operation methods move to the crate's `Client`.

use super::Context;
use syn::visit_mut::VisitMut;

/// The pagination extension follows `Link` headers with the builder's client, which progenitor keeps private to
/// its `builder` module: the `client: &'a super::Client` field of every struct in `mod builder` becomes
/// `pub(crate)`. Returns how many fields it changed (one per generated operation).
pub(super) fn expose_builder_client(file: &mut syn::File, _: &Context) -> Result<usize, String> {
    struct Edit {
        in_builder: bool,
        changed: usize,
    }
    impl VisitMut for Edit {
        fn visit_item_mod_mut(&mut self, m: &mut syn::ItemMod) {
            let outer = self.in_builder;
            self.in_builder = m.ident == "builder";
            syn::visit_mut::visit_item_mod_mut(self, m);
            self.in_builder = outer;
        }
        fn visit_item_struct_mut(&mut self, s: &mut syn::ItemStruct) {
            if !self.in_builder {
                return;
            }
            for field in s.fields.iter_mut() {
                let named_client = field.ident.as_ref().is_some_and(|i| i == "client");
                if named_client && matches!(field.vis, syn::Visibility::Inherited) && is_client_ref(&field.ty) {
                    field.vis = syn::parse_quote!(pub(crate));
                    self.changed += 1;
                }
            }
        }
    }
    let mut edit = Edit { in_builder: false, changed: 0 };
    edit.visit_file_mut(file);
    Ok(edit.changed)
}

/// Whether `ty` is `&'a super::Client` (a shared reference with a lifetime).
fn is_client_ref(ty: &syn::Type) -> bool {
    let syn::Type::Reference(r) = ty else { return false };
    let syn::Type::Path(p) = &*r.elem else { return false };
    let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    r.lifetime.is_some() && r.mutability.is_none() && p.qself.is_none() && segments == ["super", "Client"]
}

/// progenitor's `send` answers with `progenitor_client::{Error, ResponseValue}` and reads responses its own way;
/// the crate wants one `crate::Error` and one transport. In every builder `impl` of `mod builder`, `send` is split:
/// its statements before the `OperationInfo` (parameter checks, URL, query, headers, body) become
/// `fn into_request(self) -> Result<(&'a super::Client, reqwest::Request), crate::Error>`, and the new `send` /
/// `send_with_response` hand that request to `crate::transport::{json, empty, bytes}` (by the success type); the
/// rest of progenitor's `send` (its hooks, status `match` and error arms) is dropped. `new` becomes `pub(crate)`:
/// it takes the crate's private generated client. Returns how many builders it changed.
pub(super) fn own_the_send_path(file: &mut syn::File, _: &Context) -> Result<usize, String> {
    let mut changed = 0;
    for item in &mut file.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != "builder" {
            continue;
        }
        let Some((_, items)) = m.content.as_mut() else { continue };
        for item in items.iter_mut() {
            let syn::Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() {
                continue;
            }
            let Some(send_at) =
                imp.items.iter().position(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "send"))
            else {
                continue;
            };
            let syn::ImplItem::Fn(send) = imp.items.remove(send_at) else { continue };
            let split = split_send(send).map_err(|e| format!("own_the_send_path: {e}"))?;
            imp.items.splice(send_at..send_at, split);
            for f in imp.items.iter_mut() {
                if let syn::ImplItem::Fn(f) = f {
                    if f.sig.ident == "new" && matches!(f.vis, syn::Visibility::Public(_)) {
                        f.vis = syn::parse_quote!(pub(crate));
                    }
                }
            }
            changed += 1;
        }
    }
    Ok(changed)
}

/// What a generated `send` returns on success, and so which `crate::transport` function reads the response.
enum SuccessBody {
    /// A JSON body decoded into this type.
    Json(Box<syn::Type>),
    /// No body (`ResponseValue<()>`).
    Empty,
    /// A byte stream (`ResponseValue<ByteStream>`: binary downloads).
    Bytes,
}

/// `into_request`, `send` and `send_with_response` from progenitor's `send`.
fn split_send(send: syn::ImplItemFn) -> Result<Vec<syn::ImplItem>, String> {
    let body = success_body(&send.sig.output).ok_or("a `send` does not return `Result<ResponseValue<T>, _>`")?;
    let stmts = send.block.stmts;
    let info_at = stmts
        .iter()
        .position(|s| matches!(s, syn::Stmt::Local(l) if matches!(&l.pat, syn::Pat::Ident(i) if i.ident == "info")))
        .ok_or("a `send` has no `let info = OperationInfo { … }`")?;
    let operation = stmts.get(info_at).and_then(operation_id).ok_or("`OperationInfo` has no string `operation_id`")?;
    let mut kept: Vec<syn::Stmt> = stmts.into_iter().take(info_at).collect();
    let built = kept.last_mut().and_then(|s| match s {
        syn::Stmt::Local(l) if matches!(&l.pat, syn::Pat::Ident(i) if i.ident == "request") => l.init.as_mut(),
        _ => None,
    });
    let Some(syn::LocalInit { expr, .. }) = built else {
        return Err("the statement before `OperationInfo` is not `let request = ….build()?`".into());
    };
    let syn::Expr::Try(built) = &mut **expr else { return Err("`let request` is not `….build()?`".into()) };
    let inner = &built.expr;
    *built.expr = syn::parse_quote!(#inner.map_err(crate::transport::unbuildable_request));
    // progenitor's `Error::InvalidRequest(String)` (a missing or unconvertible parameter) becomes the crate's, and
    // a header parameter's `value.to_string().try_into()?` says which header was invalid.
    struct OurError;
    impl VisitMut for OurError {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            if path.leading_colon.is_none() && names == ["Error", "InvalidRequest"] {
                *path = syn::parse_quote!(crate::Error::InvalidRequest);
            }
        }
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            let header = match call.args.first() {
                Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) => s.value(),
                _ => return,
            };
            let Some(syn::Expr::Try(value)) = call.args.iter_mut().nth(1) else { return };
            if matches!(&*value.expr, syn::Expr::MethodCall(m) if m.method == "try_into" && m.args.is_empty()) {
                let inner = &value.expr;
                *value.expr = syn::parse_quote!(#inner.map_err(|_| crate::transport::invalid_header(#header)));
            }
        }
    }
    for stmt in &mut kept {
        OurError.visit_stmt_mut(stmt);
    }
    let (read, output): (syn::Path, syn::Type) = match body {
        SuccessBody::Json(ty) => (syn::parse_quote!(crate::transport::model), *ty),
        SuccessBody::Empty => (syn::parse_quote!(crate::transport::empty), syn::parse_quote!(())),
        SuccessBody::Bytes => (syn::parse_quote!(crate::transport::bytes), syn::parse_quote!(crate::ByteStream)),
    };
    let docs = send.attrs.iter().filter(|a| a.path().is_ident("doc"));
    let typed: Option<syn::ImplItem> = (read.segments.last().is_some_and(|s| s.ident == "model")).then(|| {
        syn::parse_quote! {
            /// Like [`send`](Self::send), decoding the body into a type of yours instead of the generated model:
            /// e.g. a struct with your org's custom profile attributes, with `#[serde(flatten)]` for the rest.
            pub fn send_as<T: ::serde::de::DeserializeOwned>(self) -> impl ::std::future::Future<Output = ::std::result::Result<T, crate::Error>> {
                crate::transport::body(crate::transport::json::<T>(self.into_request(), #operation))
            }
        }
    });
    Ok(vec![
        syn::parse_quote! {
            /// The HTTP request this builder describes, checked but not sent.
            pub(crate) fn into_request(self) -> ::std::result::Result<(&'a super::Client, ::reqwest::Request), crate::Error> {
                #(#kept)*
                Ok((client, request))
            }
        },
        syn::parse_quote! {
            #(#docs)*
            ///
            /// Returns the decoded body; [`send_with_response`](Self::send_with_response) also gives the status
            /// and headers.
            pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<#output, crate::Error>> {
                crate::transport::body(self.send_with_response())
            }
        },
        syn::parse_quote! {
            /// Like [`send`](Self::send), keeping the response's status and headers (`X-Okta-Request-Id`,
            /// `X-Rate-Limit-*`).
            pub fn send_with_response(self) -> impl ::std::future::Future<Output = ::std::result::Result<crate::Response<#output>, crate::Error>> {
                #read(self.into_request(), #operation)
            }
        },
    ]
    .into_iter()
    .chain(typed)
    .collect())
}

/// `X` of `Result<ResponseValue<X>, _>`, as the kind of body it is.
fn success_body(output: &syn::ReturnType) -> Option<SuccessBody> {
    let syn::ReturnType::Type(_, ty) = output else { return None };
    let first_argument = |ty: &syn::Type, name: &str| -> Option<syn::Type> {
        let syn::Type::Path(p) = ty else { return None };
        let last = p.path.segments.last()?;
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
        match args.args.first()? {
            syn::GenericArgument::Type(t) if last.ident == name => Some(t.clone()),
            _ => None,
        }
    };
    let value = first_argument(ty, "Result")?;
    let body = first_argument(&value, "ResponseValue")?;
    Some(match &body {
        syn::Type::Tuple(t) if t.elems.is_empty() => SuccessBody::Empty,
        syn::Type::Path(p) if p.path.is_ident("ByteStream") => SuccessBody::Bytes,
        _ => SuccessBody::Json(Box::new(body)),
    })
}

/// The `operation_id: "…"` of `let info = OperationInfo { operation_id: "…" };`.
fn operation_id(stmt: &syn::Stmt) -> Option<syn::LitStr> {
    let syn::Stmt::Local(local) = stmt else { return None };
    let syn::Expr::Struct(info) = &*local.init.as_ref()?.expr else { return None };
    info.fields.iter().find_map(|f| match (&f.member, &f.expr) {
        (syn::Member::Named(name), syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }))
            if name == "operation_id" =>
        {
            Some(s.clone())
        }
        _ => None,
    })
}

/// The operation methods progenitor writes on its `Client` (`pub fn list_users(&self) -> builder::ListUsers<'_>
/// { builder::ListUsers::new(self) }`) move to the crate's hand-written `crate::Client`, which holds the generated
/// client privately as `api`: users get one small `Client` type, with no `Deref` and no progenitor trait in sight.
/// The builders' docs link to the methods' new home. Returns how many methods moved.
pub(super) fn move_operations_to_public_client(file: &mut syn::File, _: &Context) -> Result<usize, String> {
    let mut moved: Vec<syn::ImplItem> = Vec::new();
    for item in &mut file.items {
        let syn::Item::Impl(imp) = item else { continue };
        let is_client = matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client || imp.trait_.is_some() {
            continue;
        }
        let (operations, kept): (Vec<syn::ImplItem>, Vec<syn::ImplItem>) =
            std::mem::take(&mut imp.items).into_iter().partition(|i| match i {
                syn::ImplItem::Fn(f) => builder_new_of_self(f).is_some(),
                _ => false,
            });
        imp.items = kept;
        for mut operation in operations {
            if let syn::ImplItem::Fn(f) = &mut operation {
                if let Some(builder) = builder_new_of_self(f) {
                    f.block = syn::parse_quote!({ #builder::new(&self.api) });
                }
            }
            moved.push(operation);
        }
    }
    file.items.retain(|i| !matches!(i, syn::Item::Impl(imp) if imp.trait_.is_none() && imp.items.is_empty()));
    let count = moved.len();
    if count > 0 {
        file.items.push(syn::parse_quote! {
            impl crate::Client {
                #(#moved)*
            }
        });
    }
    struct Relink;
    impl VisitMut for Relink {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            if let syn::Meta::NameValue(nv) = &mut attr.meta {
                if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value {
                    if s.value().contains("super::Client::") {
                        let text = s.value().replace("super::Client::", "crate::Client::");
                        nv.value = syn::parse_quote!(#text);
                    }
                }
            }
        }
    }
    Relink.visit_file_mut(file);
    Ok(count)
}

/// `builder::X` when `f` is `fn …(&self) -> builder::X<'_> { builder::X::new(self) }`.
fn builder_new_of_self(f: &syn::ImplItemFn) -> Option<syn::Path> {
    let [syn::Stmt::Expr(syn::Expr::Call(call), None)] = f.block.stmts.as_slice() else { return None };
    let syn::Expr::Path(func) = &*call.func else { return None };
    let names: Vec<String> = func.path.segments.iter().map(|s| s.ident.to_string()).collect();
    let [syn::Expr::Path(arg)] = call.args.iter().collect::<Vec<_>>().as_slice() else { return None };
    let [first, _, last] = names.as_slice() else { return None };
    if first != "builder" || last != "new" || !arg.path.is_ident("self") {
        return None;
    }
    let mut builder = func.path.clone();
    builder.segments.pop();
    builder.segments.pop_punct();
    Some(builder)
}

/// progenitor re-exports `progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue}` from the generated
/// module; the crate keeps them private (its public API names no progenitor type). Returns how many it changed.
pub(super) fn keep_progenitor_private(file: &mut syn::File, _: &Context) -> Result<usize, String> {
    let mut changed = 0;
    for item in &mut file.items {
        if let syn::Item::Use(u) = item {
            let from_progenitor = matches!(&u.tree, syn::UseTree::Path(p) if p.ident == "progenitor_client");
            if from_progenitor && matches!(u.vis, syn::Visibility::Public(_)) {
                u.vis = syn::Visibility::Inherited;
                changed += 1;
            }
        }
    }
    Ok(changed)
}

/// progenitor's `encode_path` leaves `\`, `[`, `]`, `^`, `|` and other characters a path segment must not hold
/// as they are (the URL parser turns a `\` into a `/`: a login with one reached another path); every call
/// becomes `crate::transport::encode_path_segment(…)?`, which leaves only unreserved characters and `@`, and refuses
/// a value that cannot be one segment (empty, `.`, `..`). Returns how many calls it changed.
pub(super) fn encode_path_segments_strictly(file: &mut syn::File, _: &Context) -> Result<usize, String> {
    struct Calls(usize);
    impl VisitMut for Calls {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            let syn::Expr::Call(call) = expr else { return };
            let is_encode_path =
                matches!(call.func.as_ref(), syn::Expr::Path(p) if p.qself.is_none() && p.path.is_ident("encode_path"));
            if is_encode_path {
                let args = &call.args;
                *expr = syn::parse_quote!(crate::transport::encode_path_segment(#args)?);
                self.0 += 1;
            }
        }
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            // `format!("{}/api/v1/users/{}", client.baseurl, encode_path(&id.to_string()))`: the calls are in
            // the macro's tokens.
            if let Ok(mut args) =
                mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            {
                let before = self.0;
                for arg in args.iter_mut() {
                    self.visit_expr_mut(arg);
                }
                if self.0 > before {
                    mac.tokens = quote::ToTokens::to_token_stream(&args);
                }
            }
        }
    }
    let mut calls = Calls(0);
    calls.visit_file_mut(file);
    Ok(calls.0)
}

/// The public methods progenitor emitted on `Client` (read from its output, not from the spec).
pub(super) fn client_methods(file: &syn::File) -> Vec<String> {
    let mut methods = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(i) = item else { continue };
        let is_client = matches!(&*i.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client || i.trait_.is_some() {
            continue;
        }
        for f in &i.items {
            if let syn::ImplItem::Fn(f) = f {
                if matches!(f.vis, syn::Visibility::Public(_)) {
                    methods.push(f.sig.ident.to_string());
                }
            }
        }
    }
    methods.sort();
    methods
}
