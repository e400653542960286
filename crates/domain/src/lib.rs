//! The jewellery business in types: what is valid, how things are priced and
//! counted. Nothing here knows about HTTP, SQL or the clock on the wall.

pub mod validation;

pub use validation::{FieldError, Invalid};
