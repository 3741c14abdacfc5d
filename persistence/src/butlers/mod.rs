//! Butler teams as stored (teams, the buildings they serve, members with their history and the
//! butler roles membership grants) and the work logs of butlers and grid workers.

pub mod teams;
pub mod work_logs;
