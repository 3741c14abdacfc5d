//! Authentication: passwords, access tokens (JWT), refresh tokens, and the extractor that turns
//! a bearer token into the domain's `Actor`.

mod extractor;
pub mod inbound;
pub mod jwt;
pub mod partner;
pub mod password;
pub mod resident;
pub mod session;

pub use extractor::Auth;
pub use jwt::JwtKeys;
