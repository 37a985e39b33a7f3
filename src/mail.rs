//! Mail argmap sends: today only the link that finishes a sign-up. Messages are built by
//! `lettre` and handed to the local mail system (`sendmail`), or written as `.eml` files
//! into an outbox folder where no mail system is set up (the default: a developer's
//! machine, the tests).

use std::path::PathBuf;
use std::sync::Arc;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{
    Address, AsyncFileTransport, AsyncSendmailTransport, AsyncTransport, Message, Tokio1Executor,
};

use crate::{Error, Result};

/// Where mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailConfig {
    /// Each message becomes a file `<id>.eml` in this folder.
    Outbox(PathBuf),
    /// Each message is piped to this `sendmail`-compatible command (Postfix, Exim, msmtp…).
    Sendmail(PathBuf),
}

impl MailConfig {
    /// Reads `outbox:FOLDER` or `sendmail[:COMMAND]`.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        match text.split_once(':') {
            Some(("outbox", folder)) if !folder.is_empty() => Ok(Self::Outbox(folder.into())),
            Some(("sendmail", command)) if !command.is_empty() => {
                Ok(Self::Sendmail(command.into()))
            }
            None if text == "sendmail" => Ok(Self::Sendmail("/usr/sbin/sendmail".into())),
            _ => Err(format!(
                "{text:?}: expected outbox:FOLDER, sendmail or sendmail:COMMAND"
            )),
        }
    }
}

/// One plain-text message to one person.
pub struct Mail {
    pub to: Mailbox,
    pub subject: String,
    pub body: String,
}

/// Checks that mail can be sent to `email` (as typed by someone signing up), naming the
/// field when it cannot.
pub fn mailbox(display_name: &str, email: &str) -> Result<Mailbox> {
    let address: Address = email
        .trim()
        .parse()
        .map_err(|_| Error::invalid("email", "is not an address mail can be sent to"))?;
    Ok(Mailbox::new(Some(display_name.trim().to_owned()), address))
}

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Arc<Transport>,
    /// The outbox folder, made on first use.
    outbox: Option<PathBuf>,
}

enum Transport {
    Outbox(AsyncFileTransport<Tokio1Executor>),
    Sendmail(AsyncSendmailTransport<Tokio1Executor>),
}

impl Mailer {
    pub fn new(config: &MailConfig, from: Mailbox) -> Self {
        let transport = match config {
            MailConfig::Outbox(folder) => Transport::Outbox(AsyncFileTransport::new(folder)),
            MailConfig::Sendmail(command) => Transport::Sendmail(
                AsyncSendmailTransport::new_with_command(command.as_os_str()),
            ),
        };
        let outbox = match config {
            MailConfig::Outbox(folder) => Some(folder.clone()),
            MailConfig::Sendmail(_) => None,
        };
        Self {
            from,
            transport: Arc::new(transport),
            outbox,
        }
    }

    /// Sends `mail`. A mail system that refuses it is the server's problem, not the
    /// visitor's: it is answered 503 (and logged where errors are), so they may try again.
    pub async fn send(&self, mail: Mail) -> Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(mail.to)
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body)
            .map_err(|e| Error::MailNotSent(format!("building it: {e}")))?;
        if let Some(folder) = &self.outbox {
            tokio::fs::create_dir_all(folder)
                .await
                .map_err(|e| Error::MailNotSent(format!("making {}: {e}", folder.display())))?;
        }
        let sent = match &*self.transport {
            Transport::Outbox(outbox) => outbox
                .send(message)
                .await
                .map(|id| tracing::info!(mail = %id, folder = ?self.outbox, "mail written to the outbox"))
                .map_err(|e| e.to_string()),
            Transport::Sendmail(sendmail) => sendmail.send(message).await.map_err(|e| e.to_string()),
        };
        sent.map_err(Error::MailNotSent)
    }
}

#[cfg(test)]
mod tests {
    use super::MailConfig;

    #[test]
    fn mail_settings_name_an_outbox_or_a_sendmail_command() {
        assert_eq!(
            MailConfig::parse("outbox:/var/mail/argmap"),
            Ok(MailConfig::Outbox("/var/mail/argmap".into()))
        );
        assert_eq!(
            MailConfig::parse("sendmail"),
            Ok(MailConfig::Sendmail("/usr/sbin/sendmail".into()))
        );
        assert_eq!(
            MailConfig::parse("sendmail:/usr/bin/msmtp"),
            Ok(MailConfig::Sendmail("/usr/bin/msmtp".into()))
        );
        for bad in ["", "outbox:", "smtp:mail.example.org", "sendmail:"] {
            assert!(MailConfig::parse(bad).is_err(), "{bad:?}");
        }
    }
}
