//! The language of messages, as the wire names it.

use jewel_domain::language::Language;

wire_enum! {
    /// `en` (English), `hi` (Hindi) or `ta` (Tamil): the language messages
    /// are written in.
    MessageLanguageName mirrors Language {
        En = "en", Hi = "hi", Ta = "ta",
    }
}
