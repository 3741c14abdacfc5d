//! What answers when no route matched: 405 with `Allow` when the path exists under other
//! methods, else 404. The route table is read from the OpenAPI document, which is generated
//! from the same handlers, so the two cannot disagree.

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::OpenApi;

use crate::error::{ApiError, Msg};

/// Path templates and the methods each serves.
pub struct RouteTable(Vec<(Vec<Segment>, Vec<Method>)>);

enum Segment {
    Literal(String),
    Param,
    /// Literal text around parameters inside one segment, e.g. `{id}.{format}`: the pieces
    /// between the parameters, in order.
    Pattern(Vec<String>),
}

/// Splits a template segment holding parameters beside literal text into its literal pieces
/// (first and last possibly empty).
fn pattern(template: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut depth = 0;
    for c in template.chars() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                pieces.push(String::new());
            }
            c if depth == 0 => pieces.last_mut().expect("one piece at least").push(c),
            _ => {}
        }
    }
    pieces
}

/// Whether `s` matches literal pieces separated by non-empty parameters.
fn matches_pattern(pieces: &[String], s: &str) -> bool {
    match pieces {
        [] => s.is_empty(),
        [last] => s == last,
        [first, rest @ ..] => {
            let Some(tail) = s.strip_prefix(first.as_str()) else {
                return false;
            };
            // The parameter takes one character at least; try every split after that.
            tail.char_indices()
                .skip(1)
                .map(|(i, _)| i)
                .chain(std::iter::once(tail.len()))
                .any(|i| i > 0 && matches_pattern(rest, &tail[i..]))
        }
    }
}

impl RouteTable {
    /// The routes of a document.
    pub fn from_openapi(doc: &OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = template
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        if s.starts_with('{') && s.ends_with('}') && s.matches('{').count() == 1 {
                            Segment::Param
                        } else if s.contains('{') {
                            Segment::Pattern(pattern(s))
                        } else {
                            Segment::Literal(s.to_owned())
                        }
                    })
                    .collect();
                let mut methods = Vec::new();
                let ops = [
                    (&item.get, Method::GET),
                    (&item.post, Method::POST),
                    (&item.put, Method::PUT),
                    (&item.patch, Method::PATCH),
                    (&item.delete, Method::DELETE),
                ];
                for (op, m) in ops {
                    if op.is_some() {
                        methods.push(m);
                    }
                }
                (segments, methods)
            })
            .collect();
        RouteTable(routes)
    }

    /// The methods served at a concrete path; empty when the path is unknown.
    pub fn methods_at(&self, path: &str) -> Vec<Method> {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let mut found = Vec::new();
        for (segments, methods) in &self.0 {
            let matches = segments.len() == parts.len()
                && segments.iter().zip(&parts).all(|(s, p)| match s {
                    Segment::Literal(l) => l == p,
                    Segment::Param => !p.is_empty(),
                    Segment::Pattern(pieces) => matches_pattern(pieces, p),
                });
            if matches {
                found.extend(methods.iter().cloned());
            }
        }
        found
    }
}

/// The default service.
pub async fn no_route(
    req: HttpRequest,
    table: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    let mut methods = table.methods_at(req.path());
    if methods.is_empty() {
        return Err(ApiError::not_found(
            "route.not_found",
            Msg::new("请求的地址不存在", "No such route"),
        ));
    }
    if methods.contains(&Method::GET) {
        methods.push(Method::HEAD);
    }
    let allow = methods
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    Err(ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "route.method_not_allowed",
        Msg::new("不支持该请求方法", "Method not allowed"),
    )
    .with_details(serde_json::json!({ "allow": allow })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_templates() {
        let table = RouteTable::from_openapi(&crate::openapi::document());
        assert_eq!(
            table.methods_at("/api/v1/requests/12/claim"),
            vec![Method::POST]
        );
        assert!(table.methods_at("/api/v1/requests").contains(&Method::GET));
        assert!(table.methods_at("/api/v1/requests").contains(&Method::POST));
        assert!(table.methods_at("/api/v1/nothing").is_empty());
        assert_eq!(
            table.methods_at("/open311/v2/requests/12.json"),
            vec![Method::GET]
        );
        let both = table.methods_at("/open311/v2/requests.xml");
        assert!(both.contains(&Method::GET) && both.contains(&Method::POST));
        assert!(table.methods_at("/open311/v2/requests").is_empty());
        assert!(table.methods_at("/open311/v2/requests.").is_empty());
        assert!(
            table
                .methods_at("/api/v1/requests/12/claim/extra")
                .is_empty()
        );
    }
}
