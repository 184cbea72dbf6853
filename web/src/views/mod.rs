//! The app's views, one component per `?view=` value.

pub mod activity;
pub mod blocks;
pub mod insights;
pub mod models;
pub mod overview;
pub mod plans;
pub mod projects;
pub mod session;
pub mod sessions;
pub mod tools;
