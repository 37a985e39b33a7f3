//! Rows in PostgreSQL's COPY text format, sent through `copy_in_raw`.

use sqlx::PgConnection;

/// One table's rows, encoded for `copy ... from stdin` (text format).
#[derive(Default)]
pub struct CopyRows {
    buf: Vec<u8>,
    at_start: bool,
    pub rows: usize,
}

impl CopyRows {
    pub fn new() -> Self {
        Self {
            buf: Vec::new(),
            at_start: true,
            rows: 0,
        }
    }

    fn separate(&mut self) {
        if !self.at_start {
            self.buf.push(b'\t');
        }
        self.at_start = false;
    }

    /// A text field, escaped.
    pub fn text(&mut self, value: &str) -> &mut Self {
        self.separate();
        for byte in value.bytes() {
            match byte {
                b'\\' => self.buf.extend_from_slice(b"\\\\"),
                b'\t' => self.buf.extend_from_slice(b"\\t"),
                b'\n' => self.buf.extend_from_slice(b"\\n"),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                other => self.buf.push(other),
            }
        }
        self
    }

    /// Anything whose `Display` needs no escaping (numbers, dates).
    pub fn value(&mut self, value: impl std::fmt::Display) -> &mut Self {
        use std::io::Write;
        self.separate();
        write!(self.buf, "{value}").expect("writing to a Vec");
        self
    }

    pub fn opt_text(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    pub fn opt_value(&mut self, value: Option<impl std::fmt::Display>) -> &mut Self {
        match value {
            Some(v) => self.value(v),
            None => self.null(),
        }
    }

    /// `bytea` in hex form.
    pub fn bytes(&mut self, value: &[u8]) -> &mut Self {
        self.separate();
        self.buf.extend_from_slice(b"\\\\x");
        for byte in value {
            self.buf.extend_from_slice(format!("{byte:02x}").as_bytes());
        }
        self
    }

    pub fn null(&mut self) -> &mut Self {
        self.separate();
        self.buf.extend_from_slice(b"\\N");
        self
    }

    pub fn end(&mut self) {
        self.buf.push(b'\n');
        self.at_start = true;
        self.rows += 1;
    }

    /// Sends the rows with `statement` (a `copy ... from stdin`).
    pub async fn send(self, conn: &mut PgConnection, statement: &str) -> Result<u64, sqlx::Error> {
        let mut copy = conn.copy_in_raw(statement).await?;
        for chunk in self.buf.chunks(1 << 20) {
            if let Err(err) = copy.send(chunk).await {
                let _ = copy.abort("failed").await;
                return Err(err);
            }
        }
        copy.finish().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped_and_nulls_marked() {
        let mut rows = CopyRows::new();
        rows.text("a\tb\\c\nd").null().value(3);
        rows.end();
        assert_eq!(rows.buf, b"a\\tb\\\\c\\nd\t\\N\t3\n");
    }
}
