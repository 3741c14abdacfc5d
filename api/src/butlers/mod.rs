//! Building butler teams (楼栋"兴管家") and the work logs of butlers and grid workers: the rules
//! are `linli_domain::butler`; this is where they meet storage, the request core and the rates.

pub mod convert;
pub(crate) mod events;
pub mod rates;
pub mod teams;
pub mod wire;
pub mod work_logs;
