//! Hand-written methods for the five multipart/form-data uploads progenitor cannot express (logos, favicon,
//! background image). Same names and builder style as the generated methods; the body is built in memory, so
//! it can be re-sent by the retry layer like any other request.

use crate::Response;
use crate::error::Error;
use crate::types::ImageUploadResponse;
use bytes::Bytes;
use progenitor_client::ClientInfo;

/// One file part: file name, media type (e.g. `image/png`) and content.
#[derive(Clone, Debug)]
struct FilePart {
    file_name: String,
    media_type: String,
    content: Bytes,
}

/// Builder of a multipart upload; set the path parameters and the file, then `.send().await`.
#[derive(Debug)]
#[must_use = "an upload does nothing until `.send()` is awaited"]
pub struct Upload<'a, T> {
    client: &'a crate::generated::Client,
    operation_id: &'static str,
    path: &'static str,
    params: Vec<(&'static str, Option<String>)>,
    file: Option<FilePart>,
    _response: std::marker::PhantomData<T>,
}

impl<'a, T> Upload<'a, T> {
    // Unused when none of the groups with uploads (`apps`, `brands`, `org`) is enabled.
    #[cfg_attr(not(any(feature = "apps", feature = "brands", feature = "org")), allow(dead_code))]
    fn new(
        client: &'a crate::generated::Client,
        operation_id: &'static str,
        path: &'static str,
        params: &[&'static str],
    ) -> Self {
        Self {
            client,
            operation_id,
            path,
            params: params.iter().map(|p| (*p, None)).collect(),
            file: None,
            _response: std::marker::PhantomData,
        }
    }

    fn set(mut self, name: &str, value: impl Into<String>) -> Self {
        if let Some(slot) = self.params.iter_mut().find(|(n, _)| *n == name) {
            slot.1 = Some(value.into());
        }
        self
    }

    /// The file to upload: its name, media type (`image/png`, `image/jpeg`, `image/svg+xml`, `image/gif`,
    /// `image/x-icon`) and content.
    pub fn file(
        mut self,
        file_name: impl Into<String>,
        media_type: impl Into<String>,
        content: impl Into<Bytes>,
    ) -> Self {
        self.file =
            Some(FilePart { file_name: file_name.into(), media_type: media_type.into(), content: content.into() });
        self
    }

    fn into_request(self) -> crate::transport::Built<'a> {
        let mut path = self.path.to_string();
        for (name, value) in &self.params {
            let value = value
                .as_deref()
                .ok_or_else(|| Error::InvalidRequest(format!("{}: `{name}` was not set", self.operation_id)))?;
            path = path.replace(&format!("{{{name}}}"), &crate::transport::encode_path_segment(value)?);
        }
        let file = self.file.ok_or_else(|| Error::InvalidRequest(format!("{}: no file was set", self.operation_id)))?;
        let boundary = format!("okta-management-{:032x}", rand::random::<u128>());
        let body = multipart_body(&boundary, &file)?;
        let url = format!("{}{}", self.client.baseurl(), path);
        let request = self
            .client
            .client()
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .build()
            .map_err(crate::transport::unbuildable_request)?;
        Ok((self.client, request))
    }
}

impl Upload<'_, ()> {
    /// Sends the upload; Okta answers `201 Created` without a body.
    pub async fn send(self) -> Result<(), Error> {
        self.send_with_response().await.map(Response::into_body)
    }

    /// Like [`send`](Self::send), keeping the response's status and headers.
    pub async fn send_with_response(self) -> Result<Response<()>, Error> {
        let operation = self.operation_id;
        crate::transport::empty(self.into_request(), operation).await
    }
}

impl Upload<'_, ImageUploadResponse> {
    /// Sends the upload and decodes Okta's `ImageUploadResponse` (the URL of the stored image).
    pub async fn send(self) -> Result<ImageUploadResponse, Error> {
        self.send_with_response().await.map(Response::into_body)
    }

    /// Like [`send`](Self::send), keeping the response's status and headers.
    pub async fn send_with_response(self) -> Result<Response<ImageUploadResponse>, Error> {
        let operation = self.operation_id;
        crate::transport::json(self.into_request(), operation).await
    }
}

/// `multipart/form-data` with one `file` part (RFC 7578); names are quoted with `"` and CR/LF escaped.
fn multipart_body(boundary: &str, file: &FilePart) -> Result<Vec<u8>, Error> {
    if file.media_type.contains(['\r', '\n']) {
        return Err(Error::InvalidRequest("the file's media type contains a line break".into()));
    }
    let name = file.file_name.replace('\\', "\\\\").replace('"', "\\\"").replace(['\r', '\n'], " ");
    let mut body = Vec::with_capacity(file.content.len() + 256);
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {}\r\n\r\n", file.media_type).as_bytes());
    body.extend_from_slice(&file.content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Ok(body)
}

impl crate::Client {
    #[cfg(feature = "apps")]
    /// `POST /api/v1/apps/{appId}/logo` (`uploadApplicationLogo`): uploads an app's logo.
    pub fn upload_application_logo(&self) -> Upload<'_, ()> {
        Upload::new(&self.api, "upload_application_logo", "/api/v1/apps/{appId}/logo", &["appId"])
    }

    #[cfg(feature = "brands")]
    /// `POST /api/v1/brands/{brandId}/themes/{themeId}/background-image` (`uploadBrandThemeBackgroundImage`).
    pub fn upload_brand_theme_background_image(&self) -> Upload<'_, ImageUploadResponse> {
        Upload::new(
            &self.api,
            "upload_brand_theme_background_image",
            "/api/v1/brands/{brandId}/themes/{themeId}/background-image",
            &["brandId", "themeId"],
        )
    }

    #[cfg(feature = "brands")]
    /// `POST /api/v1/brands/{brandId}/themes/{themeId}/favicon` (`uploadBrandThemeFavicon`).
    pub fn upload_brand_theme_favicon(&self) -> Upload<'_, ImageUploadResponse> {
        Upload::new(
            &self.api,
            "upload_brand_theme_favicon",
            "/api/v1/brands/{brandId}/themes/{themeId}/favicon",
            &["brandId", "themeId"],
        )
    }

    #[cfg(feature = "brands")]
    /// `POST /api/v1/brands/{brandId}/themes/{themeId}/logo` (`uploadBrandThemeLogo`).
    pub fn upload_brand_theme_logo(&self) -> Upload<'_, ImageUploadResponse> {
        Upload::new(
            &self.api,
            "upload_brand_theme_logo",
            "/api/v1/brands/{brandId}/themes/{themeId}/logo",
            &["brandId", "themeId"],
        )
    }

    #[cfg(feature = "org")]
    /// `POST /api/v1/org/logo` (`uploadOrgLogo`): uploads the org's logo. Only in spec 2024.08.3: Okta removed it;
    /// the logo is a brand theme's ([`Client::upload_brand_theme_logo`]).
    #[cfg(okta_spec = "2024.08.3")]
    pub fn upload_org_logo(&self) -> Upload<'_, ()> {
        Upload::new(&self.api, "upload_org_logo", "/api/v1/org/logo", &[])
    }
}

impl<T> Upload<'_, T> {
    /// `appId` path parameter (`uploadApplicationLogo`).
    pub fn app_id(self, value: impl Into<String>) -> Self {
        self.set("appId", value)
    }
    /// `brandId` path parameter.
    pub fn brand_id(self, value: impl Into<String>) -> Self {
        self.set("brandId", value)
    }
    /// `themeId` path parameter.
    pub fn theme_id(self, value: impl Into<String>) -> Self {
        self.set("themeId", value)
    }
}
