//! Red Collar Home activities as stored: the activity row (versioned), its sign-ups with the
//! waiting list, and attendance with the minutes and points each attendee got at the finish.
//!
//! Every transaction that changes an activity's sign-ups or status takes the activity's row
//! first ([`lock`]): on PostgreSQL two such transactions for one activity run one after the
//! other, and on SQLite the one writer runs them one at a time anyway. The places and the
//! waiting list are counted after the lock, so they stay true until the transaction ends.

mod attendance;
mod participation;
mod record;
mod signups;

pub use attendance::{
    AttendanceRecord, attendance_of, correct, get_attendance, record_check_in, record_check_out,
    set_result,
};
pub use participation::{Participation, participation};
pub use record::{
    ActivityFields, ActivityFilter, ActivityRecord, NewActivity, PartnerOrg, counts, create,
    find_idempotent, get, list, lock, set_status, update_fields,
};
pub use signups::{
    SignupRecord, insert_signup, last_signed_up_at, promote, signups_of, signups_of_volunteer,
    withdraw,
};
