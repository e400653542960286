//! The wire types of `billing::invoice_print`: what its requests send and its answers show.

bounded_string!(
    /// A whole HTML page.
    HtmlPage, 1, 1_000_000, None::<String>
);

/// The bytes of a PDF (at most 16 MiB).
pub struct PdfBytes;

impl utoipa::PartialSchema for PdfBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Binary,
            )))
            .max_length(Some(16 * 1024 * 1024))
            .into()
    }
}

impl utoipa::ToSchema for PdfBytes {}
