//! One integration-test binary, a module per feature. Every test runs on SQLite, and on
//! PostgreSQL when `TEST_DATABASE_URL` is set.

mod fake_wechat;
mod helpers;
mod webhook_receiver;

mod activities;
mod auth;
mod butler_team_edits;
mod butlers;
mod categories;
mod content;
mod health;
mod households;
mod instances;
mod meetings;
mod notifications;
mod open311;
mod openapi;
mod org;
mod partner_requests;
mod partners;
mod printables;
mod privacy_logs;
mod rate_limits;
mod registry;
mod registry_edit;
mod registry_import;
mod request_access;
mod requests;
mod rewards;
mod stats;
mod storage_races;
mod users;
mod volunteers;
mod webhooks;
mod wechat;
mod work_logs;
