//! Open311's documents, named and ordered as the specification shapes them. A list of one is
//! still a list; JSON keeps `null` for absent values, XML an empty element.

use serde::Serialize;

use super::xml::XmlWriter;
use super::{Document, ErrorEntry};

/// The service discovery document (wiki.open311.org/Service_Discovery).
#[derive(Debug, Serialize)]
pub struct Discovery {
    /// When the services last changed.
    pub changeset: String,
    /// Whom to ask.
    pub contact: String,
    /// How to get an API key.
    pub key_service: String,
    /// The endpoints: this one.
    pub endpoints: Vec<Endpoint>,
}

/// One endpoint of the discovery document.
#[derive(Debug, Serialize)]
pub struct Endpoint {
    /// The specification it follows.
    pub specification: String,
    /// Its base URL.
    pub url: String,
    /// When its services last changed.
    pub changeset: String,
    /// `production`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Content types it answers in.
    pub formats: Vec<String>,
}

impl Document for Discovery {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("discovery");
        w.text("changeset", Some(&self.changeset));
        w.text("contact", Some(&self.contact));
        w.text("key_service", Some(&self.key_service));
        w.open("endpoints");
        for e in &self.endpoints {
            w.open("endpoint");
            w.text("specification", Some(&e.specification));
            w.text("url", Some(&e.url));
            w.text("changeset", Some(&e.changeset));
            w.text("type", Some(&e.kind));
            w.open("formats");
            for f in &e.formats {
                w.text("format", Some(f));
            }
            w.close("formats");
            w.close("endpoint");
        }
        w.close("endpoints");
        w.close("discovery");
    }
}

/// A service: one of our service categories.
#[derive(Debug, Serialize)]
pub struct Service {
    /// The category's code.
    pub service_code: String,
    /// Its name.
    pub service_name: String,
    /// What it covers and its deadline.
    pub description: String,
    /// Whether it has attributes to fill in: ours have none.
    pub metadata: bool,
    /// `realtime`: a POST answers with the request's id.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Comma-separated keywords.
    pub keywords: String,
    /// The group it belongs to.
    pub group: String,
}

/// The service list.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct Services(pub Vec<Service>);

impl Document for Services {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("services");
        for s in &self.0 {
            w.open("service");
            w.text("service_code", Some(&s.service_code));
            w.text("service_name", Some(&s.service_name));
            w.text("description", Some(&s.description));
            w.text("metadata", Some(if s.metadata { "true" } else { "false" }));
            w.text("type", Some(s.kind));
            w.text("keywords", Some(&s.keywords));
            w.text("group", Some(&s.group));
            w.close("service");
        }
        w.close("services");
    }
}

/// A service definition: our categories ask for no extra attributes.
#[derive(Debug, Serialize)]
pub struct ServiceDefinition {
    /// The category's code.
    pub service_code: String,
    /// Always empty.
    pub attributes: Vec<()>,
}

impl Document for ServiceDefinition {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("service_definition");
        w.text("service_code", Some(&self.service_code));
        w.open("attributes");
        w.close("attributes");
        w.close("service_definition");
    }
}

/// A service request as the public sees it.
#[derive(Debug, Serialize)]
pub struct ServiceRequest {
    /// Our request id.
    pub service_request_id: i64,
    /// `open` or `closed`.
    pub status: &'static str,
    /// The latest note of its timeline that staff have not hidden.
    pub status_notes: Option<String>,
    /// The category's name.
    pub service_name: String,
    /// The category's code.
    pub service_code: String,
    /// What was reported (a placeholder once staff hid it).
    pub description: String,
    /// The handler it is dispatched to.
    pub agency_responsible: Option<String>,
    /// Not used.
    pub service_notice: Option<String>,
    /// When it was submitted.
    pub requested_datetime: String,
    /// When it last changed.
    pub updated_datetime: String,
    /// When it must be resolved.
    pub expected_datetime: String,
    /// Compound, building and where exactly.
    pub address: String,
    /// The building's code.
    pub address_id: Option<String>,
    /// Not used.
    pub zipcode: Option<String>,
    /// The building's latitude.
    pub lat: Option<f64>,
    /// The building's longitude.
    pub long: Option<f64>,
    /// Its first photo anyone may see.
    pub media_url: Option<String>,
}

/// A list of service requests (of one, for `requests/{id}`).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct ServiceRequests(pub Vec<ServiceRequest>);

fn number<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|v| v.to_string())
}

impl Document for ServiceRequests {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("service_requests");
        for r in &self.0 {
            w.open("request");
            w.text(
                "service_request_id",
                Some(&r.service_request_id.to_string()),
            );
            w.text("status", Some(r.status));
            w.text("status_notes", r.status_notes.as_deref());
            w.text("service_name", Some(&r.service_name));
            w.text("service_code", Some(&r.service_code));
            w.text("description", Some(&r.description));
            w.text("agency_responsible", r.agency_responsible.as_deref());
            w.text("service_notice", r.service_notice.as_deref());
            w.text("requested_datetime", Some(&r.requested_datetime));
            w.text("updated_datetime", Some(&r.updated_datetime));
            w.text("expected_datetime", Some(&r.expected_datetime));
            w.text("address", Some(&r.address));
            w.text("address_id", r.address_id.as_deref());
            w.text("zipcode", r.zipcode.as_deref());
            w.text("lat", number(r.lat).as_deref());
            w.text("long", number(r.long).as_deref());
            w.text("media_url", r.media_url.as_deref());
            w.close("request");
        }
        w.close("service_requests");
    }
}

/// The answer to a POST: the new request's id (we store synchronously, so no token).
#[derive(Debug, Serialize)]
pub struct Created {
    /// The new request's id.
    pub service_request_id: i64,
    /// What happens next.
    pub service_notice: Option<String>,
    /// Not used.
    pub account_id: Option<String>,
}

/// The POST answer, a list of one.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct CreatedList(pub Vec<Created>);

impl Document for CreatedList {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("service_requests");
        for c in &self.0 {
            w.open("request");
            w.text(
                "service_request_id",
                Some(&c.service_request_id.to_string()),
            );
            w.text("service_notice", c.service_notice.as_deref());
            w.text("account_id", c.account_id.as_deref());
            w.close("request");
        }
        w.close("service_requests");
    }
}

/// What a token stands for.
#[derive(Debug, Serialize)]
pub struct TokenAnswer {
    /// The request's id.
    pub service_request_id: i64,
    /// The token asked about.
    pub token: String,
}

/// The token answer, a list of one.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct TokenAnswers(pub Vec<TokenAnswer>);

impl Document for TokenAnswers {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("service_requests");
        for t in &self.0 {
            w.open("request");
            w.text(
                "service_request_id",
                Some(&t.service_request_id.to_string()),
            );
            w.text("token", Some(&t.token));
            w.close("request");
        }
        w.close("service_requests");
    }
}

/// An error document.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct Errors(pub Vec<ErrorEntry>);

impl Document for Errors {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.open("errors");
        for e in &self.0 {
            w.open("error");
            w.text("code", Some(&e.code.to_string()));
            w.text("description", Some(&e.description));
            w.close("error");
        }
        w.close("errors");
    }
}
