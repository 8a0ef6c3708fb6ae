//! The engine as a library: a policy's imports loaded, its data loaded for a subject kind with
//! the parameters given, and every subject evaluated with the stacking rules applied. The
//! command line parses arguments, calls this and renders; [`crate::api`] is the facade other
//! programs use.

pub mod evaluate;
pub mod files;
pub mod imports;
pub mod load;
pub mod members;
pub mod validity;

pub use evaluate::{Evaluated, Options, evaluate};
pub use load::{Loaded, kind_of, load, params};
