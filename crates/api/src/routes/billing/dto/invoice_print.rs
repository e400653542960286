//! The wire types of `billing::invoice_print`: what its requests send and its answers show.

bounded_string!(
    /// A whole HTML page.
    HtmlPage, 1, 1_000_000, None::<String>
);
