//! The request contract: what the OpenAPI document says each route
//! answers and takes, held against every request before any handler runs
//! (methods, query parameters) and by the body extractors once a body is
//! read. Built from the document itself, so it cannot drift from it.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};

use crate::error::ApiError;
use crate::request_schemas::{BodyRules, QueryRules};

/// Every path we serve and the methods it answers, taken from the OpenAPI
/// document (plus the docs), so that a known path with the wrong method is
/// a 405 with `Allow`, and only an unknown path is a 404.
pub struct RouteTable {
    routes: Vec<(ResourceDef, Vec<String>)>,
    query_rules: QueryRules,
    body_rules: BodyRules,
}

impl RouteTable {
    /// The routes of `document`, and `also_get`: paths served beside it
    /// (the document itself, Swagger UI) that answer GET.
    pub fn new(document: &serde_json::Value, also_get: &[String]) -> Self {
        let mut routes: Vec<_> = methods_by_path(document)
            .into_iter()
            .map(|(path, methods)| (ResourceDef::new(path), methods))
            .collect();
        routes.extend(
            also_get
                .iter()
                .map(|path| (ResourceDef::new(path.as_str()), vec!["GET".to_owned()])),
        );
        Self {
            routes,
            query_rules: QueryRules::new(document),
            body_rules: BodyRules::new(document),
        }
    }

    /// The methods of `path`; a path without parameters wins over a pattern
    /// that also matches it (`/customers/import` over `/customers/{id}`).
    fn methods_for(&self, path: &str) -> Option<&[String]> {
        self.fixed(path).or_else(|| {
            self.routes
                .iter()
                .find(|(def, _)| def.is_match(path))
                .map(|(_, methods)| methods.as_slice())
        })
    }

    /// The documented path (`/api/v1/customers/{id}`) that answers `method`
    /// on `path`, a path without parameters first.
    fn documented(&self, path: &str, method: &str) -> Option<&str> {
        let answers = |(def, methods): &&(ResourceDef, Vec<String>)| {
            def.is_match(path) && methods.iter().any(|m| m == method)
        };
        let fixed = self
            .routes
            .iter()
            .filter(|(def, _)| def.pattern() == Some(path))
            .find(answers);
        fixed
            .or_else(|| self.routes.iter().find(answers))
            .and_then(|(def, _)| def.pattern())
    }

    fn fixed(&self, path: &str) -> Option<&[String]> {
        self.routes
            .iter()
            .find(|(def, _)| !def.is_prefix() && def.pattern() == Some(path))
            .map(|(_, methods)| methods.as_slice())
    }
}

/// Requests are held to the document before any handler runs: a documented
/// path without parameters is answered by its own operations only (`PATCH
/// /api/v1/customers/import` is a 405 naming what the path allows, not a
/// request for the customer whose id is `import`), and every query
/// parameter is within the bounds the document gives it.
pub async fn as_documented(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let refused = req.app_data::<web::Data<RouteTable>>().and_then(|routes| {
        let method = req.method().as_str();
        if let Some(allowed) = routes.fixed(req.path())
            && method != "OPTIONS"
            && !allowed.iter().any(|m| m == method)
        {
            return Some(ApiError::MethodNotAllowed {
                method: method.to_owned(),
                allowed: allowed.to_vec(),
            });
        }
        if req.query_string().is_empty() {
            return None;
        }
        let documented = routes.documented(req.path(), method)?;
        routes
            .query_rules
            .check(documented, method, req.query_string())
            .err()
    });
    match refused {
        Some(error) => Ok(req.error_response(error)),
        None => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body),
    }
}

/// The document's string lengths for the JSON body of one request, checked
/// by the body extractors once the body is read.
pub(crate) struct DocumentedBody {
    routes: web::Data<RouteTable>,
    path: String,
    method: String,
}

impl DocumentedBody {
    pub(crate) fn of(req: &HttpRequest) -> Option<Self> {
        let routes = req.app_data::<web::Data<RouteTable>>()?.clone();
        let method = req.method().as_str().to_owned();
        let path = routes.documented(req.path(), &method)?.to_owned();
        Some(Self {
            routes,
            path,
            method,
        })
    }

    pub(crate) fn check(&self, body: &serde_json::Value) -> Result<(), jewel_domain::Invalid> {
        self.routes.body_rules.check(&self.path, &self.method, body)
    }
}

/// The answer to a request no route took: 405 with what the path allows,
/// or 404.
pub async fn no_route(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    Err(match routes.methods_for(req.path()) {
        Some(allowed) => ApiError::MethodNotAllowed {
            method: req.method().to_string(),
            allowed: allowed.to_vec(),
        },
        None => ApiError::NoRoute {
            path: req.path().to_owned(),
        },
    })
}

/// The methods each documented path answers, for `405` and `Allow`.
pub fn methods_by_path(doc: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    let Some(paths) = doc.get("paths").and_then(serde_json::Value::as_object) else {
        return Vec::new();
    };
    paths
        .iter()
        .map(|(path, item)| {
            let methods = ["get", "put", "post", "delete", "patch"]
                .into_iter()
                .filter(|method| item.get(method).is_some())
                .map(str::to_uppercase)
                .collect();
            (path.clone(), methods)
        })
        .collect()
}
