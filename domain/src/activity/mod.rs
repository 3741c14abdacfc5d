//! Red Collar Home activities (a festival visit to the elderly, a free clinic with a hospital,
//! a legal advice day): their lifecycle, sign-ups with a waiting list, attendance by a rotating
//! check-in code, and the hours served.
//!
//! Every function here decides from facts the caller loaded (the activity's status and schedule,
//! the sign-ups, the time); the storage layer applies the decision in one transaction.

mod attendance;
mod checkin_code;
mod schedule;
mod signup;
mod status;

pub use attendance::{
    Attendance, AttendanceError, AttendancePolicy, Correction, CorrectionError, check_in,
    check_out, correct, served_minutes,
};
pub use checkin_code::{CheckinCode, CheckinPurpose, CodeError};
pub use schedule::{Capacity, CapacityError, Schedule, ScheduleError};
pub use signup::{
    Placement, Signup, SignupError, SignupFacts, SignupStatus, Withdrawal, decide_signup,
    promotions, waiting_position, withdraw,
};
pub use status::{ActivityAction, ActivityError, ActivityStatus, decide, may};

crate::labelled::id_newtype!(
    /// An activity.
    ActivityId
);
