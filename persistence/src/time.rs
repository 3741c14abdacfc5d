//! Timestamps are stored as UTC without a zone, which both backends read the same way.

use chrono::{DateTime, NaiveDateTime, Utc};

pub(crate) fn to_db(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

pub(crate) fn from_db(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub(crate) fn opt_from_db(t: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    t.map(from_db)
}

pub(crate) fn opt_to_db(t: Option<DateTime<Utc>>) -> Option<NaiveDateTime> {
    t.map(to_db)
}
