//! The OpenAPI document's frame: title, the three accepted authentication schemes, and the
//! paths no handler annotation describes (the docs page).

use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi};

#[derive(utoipa::OpenApi)]
#[openapi(info(title = "assay", description = "Self-hosted LLM assurance platform: the APIs of one assay server."))]
struct Frame;

/// The document every route's annotation is merged into.
pub fn base() -> OpenApi {
    let mut doc = <Frame as utoipa::OpenApi>::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    components.add_security_scheme("basic", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Basic).build()));
    components.add_security_scheme("apiKey", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))));
    // Any one of the three suffices; operations that need none override with `security(())`.
    doc.security =
        Some(["bearer", "basic", "apiKey"].into_iter().map(|name| SecurityRequirement::new(name, Vec::<String>::new())).collect());
    doc
}

/// Adds what the handler annotations cannot describe: the docs page and the web UI's pages
/// and forms (HTML, authenticated by the session cookie that `POST /ui/sign-in` sets).
pub fn finish(mut doc: OpenApi) -> OpenApi {
    let page = OperationBuilder::new()
        .tags(Some(["operations"]))
        .summary(Some("Interactive API documentation (Swagger UI, served from the binary)"))
        .security(SecurityRequirement::default())
        .response("200", ResponseBuilder::new().description("HTML page").content("text/html", ContentBuilder::new().build()).build())
        .build();
    doc.paths.paths.insert("/docs/".to_owned(), PathItem::new(HttpMethod::Get, page));
    for (method, path, summary) in crate::ui::ROUTES {
        let (method, answer) = match *method {
            "post" => (HttpMethod::Post, ResponseBuilder::new().description("Redirect (303) or the resulting page").build()),
            _ => (
                HttpMethod::Get,
                ResponseBuilder::new().description("HTML page").content("text/html", ContentBuilder::new().build()).build(),
            ),
        };
        let mut operation = OperationBuilder::new()
            .tags(Some(["web UI"]))
            .summary(Some(*summary))
            .security(SecurityRequirement::default())
            .response(if method == HttpMethod::Post { "303" } else { "200" }, answer);
        for name in path.split('/').filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'))) {
            operation = operation.parameter(
                utoipa::openapi::path::ParameterBuilder::new()
                    .name(name)
                    .parameter_in(utoipa::openapi::path::ParameterIn::Path)
                    .required(utoipa::openapi::Required::True)
                    .schema(Some(utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::String))),
            );
        }
        if method == HttpMethod::Post {
            operation = operation.request_body(Some(
                utoipa::openapi::request_body::RequestBodyBuilder::new()
                    .description(Some("The form's fields, URL-encoded, with the session's `csrf` token"))
                    .content("application/x-www-form-urlencoded", ContentBuilder::new().build())
                    .build(),
            ));
        }
        let item = doc.paths.paths.entry((*path).to_owned()).or_default();
        match method {
            HttpMethod::Post => item.post = Some(operation.build()),
            _ => item.get = Some(operation.build()),
        }
    }
    doc
}
