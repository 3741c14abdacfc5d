//! Red Collar Home (红领之家) volunteers as stored: the profile with its status and the cached
//! balance, and the points ledger the balance is the sum of.
//!
//! The volunteer's row is the lock every change of their points takes first: a transaction
//! that awards, redeems or refunds updates that row before it reads or writes anything else, so
//! on PostgreSQL two such transactions for one volunteer run one after the other, and on SQLite
//! the one writer runs them one at a time anyway.

mod ledger;
mod profile;
mod rules;

pub use ledger::{
    AwardRow, BalanceCheck, EntryRecord, NewEntry, append, awards_between, balance_check_of,
    balance_checks, credited_since, entries_of, find_entry, holding_points,
};
pub use profile::{
    NewVolunteer, VolunteerFilter, VolunteerRecord, by_user, count_by_kind, create, get, list,
    lock, set_role, set_status, update_profile,
};
pub use rules::{expiring_communities, get_expiry, get_rule, put_rule};
