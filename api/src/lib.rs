//! Linli Grid's HTTP API: routes, authentication, error mapping, configuration and the
//! background workers. Builds the `linli` binary.

pub mod auth;
pub mod bindings;
pub mod buildings;
pub mod butlers;
pub mod cache;
pub mod cli;
pub mod clock;
pub mod config;
pub mod content;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod dispatch;
pub mod dto;
pub mod error;
pub mod extract;
pub mod fallback;
pub mod i18n;
pub mod meetings;
pub mod notify;
pub mod open311;
pub mod openapi;
pub mod partners;
pub mod rate_limit;
pub mod registry;
pub mod requests;
pub mod routes;
pub mod shared;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod validation;
pub mod webhooks;
pub mod wechat;
pub mod workers;
