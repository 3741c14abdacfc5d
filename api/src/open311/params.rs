//! Open311's parameters: documented as OpenAPI parameters here, read from the raw query or
//! form by [`Params`] so that every mistake is answered in Open311's error shape.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Parameters every Open311 path accepts.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JurisdictionParams {
    /// The id of a district, street or community; empty or absent: every community.
    pub jurisdiction_id: Option<String>,
}

/// Filters of `GET requests`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestsParams {
    /// The id of a district, street or community; empty or absent: every community.
    pub jurisdiction_id: Option<String>,
    /// Request ids, comma-separated; when given, every other filter is ignored.
    pub service_request_id: Option<String>,
    /// Service codes, comma-separated.
    pub service_code: Option<String>,
    /// Earliest `requested_datetime` (RFC 3339).
    pub start_date: Option<String>,
    /// Latest `requested_datetime` (RFC 3339); at most 90 days after `start_date`.
    pub end_date: Option<String>,
    /// `open`, `closed` or both, comma-separated.
    pub status: Option<String>,
}

/// The form of `POST requests` (`application/x-www-form-urlencoded`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitForm {
    /// A partner API key (`lk_…`).
    pub api_key: String,
    /// The id of a district, street or community.
    pub jurisdiction_id: Option<String>,
    /// The service (category) code.
    pub service_code: String,
    /// Latitude (WGS-84), with `long`: the nearest building within 150 m in the partner's scope.
    pub lat: Option<f64>,
    /// Longitude (WGS-84).
    pub long: Option<f64>,
    /// A building's code, or its name as `小区 楼栋` or alone when unique in the partner's scope.
    pub address_string: Option<String>,
    /// A building's code.
    pub address_id: Option<String>,
    /// The reporter's e-mail (not stored).
    pub email: Option<String>,
    /// The reporter's device (not stored).
    pub device_id: Option<String>,
    /// The reporter's account (not stored).
    pub account_id: Option<String>,
    /// The reporter's first name (not stored).
    pub first_name: Option<String>,
    /// The reporter's last name (not stored).
    pub last_name: Option<String>,
    /// A contact phone (stored encrypted, as the native API does).
    pub phone: Option<String>,
    /// What is wrong.
    pub description: Option<String>,
    /// A photo's URL.
    pub media_url: Option<String>,
}

/// Parameters as sent: every occurrence of a name, trimmed; an empty value counts as absent.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Reads a query string or a form body.
    pub fn parse(raw: &[u8]) -> Self {
        Params(
            form_urlencoded::parse(raw)
                .map(|(k, v)| (k.into_owned(), v.trim().to_owned()))
                .filter(|(_, v)| !v.is_empty())
                .collect(),
        )
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every comma-separated value of every occurrence of `name` (the specification allows
    /// both), or `None` when there is none.
    pub fn list(&self, name: &str) -> Option<Vec<&str>> {
        let items: Vec<&str> = self
            .0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        (!items.is_empty()).then_some(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_are_absent_and_lists_merge() {
        let p =
            Params::parse(b"jurisdiction_id=&status=open,closed&status=open&service_code=%20a%20");
        assert_eq!(p.get("jurisdiction_id"), None);
        assert_eq!(p.list("status"), Some(vec!["open", "closed", "open"]));
        assert_eq!(p.get("service_code"), Some("a"));
        assert_eq!(p.list("nothing"), None);
    }
}
