//! The tax invoice as a PDF (A4 landscape), drawn with printpdf from the
//! same [`PrintedInvoice`] as the HTML page. It uses the PDF's built-in
//! Helvetica (nothing embedded: a bill is a few kilobytes), whose
//! encoding holds Latin text; another script's letters print as `?`.

use printpdf::{
    BuiltinFont, IndirectFontRef, Mm, PdfDocument, PdfDocumentReference, PdfLayerReference, Pt,
};

use super::printed::{COLUMNS, PrintedInvoice};

// The layout is in whole points (1/72 inch), A4 landscape; printpdf turns
// them into millimetres. Its API takes f32 page coordinates: they are
// converted only at that boundary, never computed in floats here, and the
// amounts printed are the bill's decimal text as it stands.
const PAGE_WIDTH: i32 = 842;
const PAGE_HEIGHT: i32 = 595;
const MARGIN: i32 = 34;
/// The line table's column widths (774 points in all).
const WIDTHS: [i32; 15] = [17, 136, 40, 40, 51, 48, 48, 48, 54, 43, 48, 45, 40, 45, 71];

/// A length in points, as printpdf takes it.
fn mm(points: i32) -> Mm {
    Mm::from(Pt(f32::from(i16::try_from(points).unwrap_or(i16::MAX))))
}

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
#[error("the invoice's PDF could not be made: {0}")]
pub struct PdfError(String);

/// Text the built-in fonts can show (Windows-1252): `₹` as `Rs.`, other
/// letters they lack as `?`.
fn printable(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '₹' => "Rs.".chars().collect::<Vec<_>>(),
            c if (c as u32) < 0x100 && !c.is_control() => vec![c],
            '\u{2013}' | '\u{2014}' => vec!['-'],
            '\u{2018}' | '\u{2019}' => vec!['\''],
            '\u{201C}' | '\u{201D}' => vec!['"'],
            _ => vec!['?'],
        })
        .collect()
}

/// The width of `text` in Helvetica at `size` points, in points
/// (Helvetica's advance widths: every digit 556 of 1000, `.` and `,` 278).
fn width(text: &str, size: i32) -> i32 {
    let units: i32 = text
        .chars()
        .map(|c| match c {
            '0'..='9' => 556,
            '.' | ',' | ' ' | 'i' | 'l' | 'j' | 'I' | '!' | '\'' => 278,
            '-' | '(' | ')' | 'r' | 't' | 'f' => 333,
            'A'..='Z' | 'm' | 'w' => 667,
            _ => 556,
        })
        .sum();
    (units * size + 999) / 1000
}

/// Cuts `text` to what fits in `room` points at `size`.
fn fitted(text: &str, room: i32, size: i32) -> String {
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if width(&out, size) > room {
            out.pop();
            out.pop();
            out.push('.');
            break;
        }
    }
    out
}

/// Where the next line goes, on which page.
struct Pen {
    doc: PdfDocumentReference,
    layer: PdfLayerReference,
    regular: IndirectFontRef,
    bold: IndirectFontRef,
    y: i32,
}

impl Pen {
    fn down(&mut self, by: i32) {
        self.y -= by;
        if self.y < MARGIN {
            let (page, layer) = self
                .doc
                .add_page(mm(PAGE_WIDTH), mm(PAGE_HEIGHT), "Invoice");
            self.layer = self.doc.get_page(page).get_layer(layer);
            self.y = PAGE_HEIGHT - MARGIN;
        }
    }

    fn text(&self, text: &str, size: i32, x: i32, bold: bool) {
        let font = if bold { &self.bold } else { &self.regular };
        let size = f32::from(i16::try_from(size).unwrap_or(12));
        self.layer
            .use_text(printable(text), size, mm(x), mm(self.y), font);
    }

    fn right(&self, text: &str, size: i32, right_edge: i32, bold: bool) {
        let text = printable(text);
        let x = right_edge - width(&text, size);
        self.text(&text, size, x, bold);
    }

    fn line(&mut self, text: &str, size: i32, bold: bool) {
        self.down(size * 3 / 2);
        self.text(text, size, MARGIN, bold);
    }
}

/// The invoice as PDF bytes.
pub fn render(printed: &PrintedInvoice) -> Result<Vec<u8>, PdfError> {
    let title = if printed.number.is_empty() {
        "Draft invoice".to_owned()
    } else {
        printed.number.clone()
    };
    let (doc, page, layer) = PdfDocument::new(
        printable(&title),
        mm(PAGE_WIDTH),
        mm(PAGE_HEIGHT),
        "Invoice",
    );
    let font = |which| {
        doc.add_builtin_font(which)
            .map_err(|e| PdfError(e.to_string()))
    };
    let regular = font(BuiltinFont::Helvetica)?;
    let bold = font(BuiltinFont::HelveticaBold)?;
    let layer = doc.get_page(page).get_layer(layer);
    let mut pen = Pen {
        doc,
        layer,
        regular,
        bold,
        y: PAGE_HEIGHT - MARGIN,
    };
    pen.line(&printed.title, 14, true);
    pen.line(&printed.seller_name, 10, true);
    for line in &printed.seller_lines {
        pen.line(line, 9, false);
    }
    pen.down(6);
    for line in printed.facts.iter().chain(&printed.buyer) {
        pen.line(line, 9, false);
    }
    pen.down(8);
    table(&mut pen, printed);
    pen.down(6);
    let right_edge = PAGE_WIDTH - MARGIN;
    for (label, amount) in &printed.totals {
        pen.down(13);
        pen.text(label, 9, right_edge - 227, false);
        pen.right(amount, 9, right_edge, false);
    }
    pen.down(14);
    pen.text(&printed.total.0, 10, right_edge - 227, true);
    pen.right(&printed.total.1, 10, right_edge, true);
    pen.line(&format!("Amount in words: {}", printed.in_words), 9, true);
    if !printed.payments.is_empty() {
        pen.down(6);
        pen.line("Payments", 9, true);
        for [method, details, amount] in &printed.payments {
            pen.down(13);
            pen.text(method, 8, MARGIN, false);
            pen.text(&fitted(details, 510, 8), 8, MARGIN + 99, false);
            pen.right(amount, 8, right_edge, false);
        }
    }
    pen.line(
        &format!("Paid: {}   Balance due: {}", printed.paid, printed.balance),
        9,
        false,
    );
    if let Some(reason) = &printed.cancelled {
        pen.line(&format!("Cancelled: {reason}"), 9, true);
    }
    pen.line(printed.footnote, 7, false);
    pen.doc.save_to_bytes().map_err(|e| PdfError(e.to_string()))
}

/// The line table: its header, a row per line, tag and stones under the
/// item.
fn table(pen: &mut Pen, printed: &PrintedInvoice) {
    let size = 7;
    let cells = |pen: &mut Pen, texts: &[String], bold: bool| {
        pen.down(12);
        let mut x = MARGIN;
        for ((text, (_, numeric)), room) in texts.iter().zip(COLUMNS).zip(WIDTHS) {
            if numeric {
                pen.right(text, size, x + room - 3, bold);
            } else {
                pen.text(&fitted(text, room - 3, size), size, x, bold);
            }
            x += room;
        }
    };
    let header: Vec<String> = COLUMNS.iter().map(|(name, _)| (*name).to_owned()).collect();
    cells(pen, &header, true);
    for row in &printed.rows {
        cells(pen, &row.cells, false);
        let notes = row
            .tag
            .iter()
            .map(|t| format!("({t})"))
            .chain(row.stones.iter().cloned());
        for note in notes {
            pen.down(10);
            pen.text(&fitted(&note, 170, 6), 6, MARGIN + WIDTHS[0], false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_kept_to_what_the_font_shows() {
        assert_eq!(printable("₹1,000 – Café"), "Rs.1,000 - Café");
        assert_eq!(printable("मीना"), "????");
    }

    #[test]
    fn long_text_is_cut_to_its_column() {
        let cut = fitted(
            "Temple necklace with rubies and emeralds, antique finish",
            57,
            7,
        );
        assert!(cut.ends_with('.'), "{cut}");
        assert!(width(&cut, 7) <= 57, "{cut}");
        assert_eq!(fitted("Ring", 57, 7), "Ring");
    }
}
