#![doc = include_str!("../README.md")]

mod cleaner;
mod portrait;
mod store;

pub use cleaner::ImageCleaner;
pub use portrait::portrait_png;
pub use store::LocalFileStore;
