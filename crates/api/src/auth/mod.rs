//! Authentication and authorization: who the caller is (access tokens), how
//! they got in (passwords, refresh-token rotation) and what they may do.

pub mod accounts;
pub mod caller;
pub mod password;
pub mod revocations;
pub mod sessions;
pub mod tokens;

pub use caller::Caller;
pub use tokens::TokenKeys;
