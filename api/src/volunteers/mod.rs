//! Red Collar Home (红领之家) volunteers: applying, staff decisions (approval grants the
//! `volunteer` role at the community), profiles, the points ledger with staff adjustments and a
//! balance check, the awards a rated request earns its volunteer, and leaderboards.

pub mod awards;
pub mod enrol;
pub mod expiry;
pub mod leaderboard;
pub mod ledger;
pub mod read;
pub mod rules;
pub mod wire;
