//! Online payments: a provider's callback checked as the provider
//! documents it before anything is recorded ([`callbacks`]).

pub mod callbacks;
