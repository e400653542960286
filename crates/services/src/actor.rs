//! Who does the work, and where it was asked for.

/// Who makes a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Staff(uuid::Uuid),
    Client(uuid::Uuid),
    Customer(uuid::Uuid),
    /// The command line (`jewel-crm create-owner`, `seed`).
    Cli,
    /// Work the server does by the clock or for an event (a worker's name).
    System(&'static str),
}

impl Actor {
    /// How records name their author: the kind (`staff`, `client`,
    /// `customer`, `cli`, `system`) and an id.
    pub fn ids(&self) -> (&'static str, String) {
        match self {
            Actor::Staff(id) => ("staff", id.to_string()),
            Actor::Client(id) => ("client", id.to_string()),
            Actor::Customer(id) => ("customer", id.to_string()),
            Actor::Cli => ("cli", "jewel-crm".to_owned()),
            Actor::System(name) => ("system", (*name).to_owned()),
        }
    }

    /// The kind and id records with an author keep (stock ledger lines,
    /// payments); the command line and the server itself have the nil id.
    pub fn author(&self) -> (&'static str, uuid::Uuid) {
        match self {
            Actor::Staff(id) => ("staff", *id),
            Actor::Client(id) => ("client", *id),
            Actor::Customer(id) => ("customer", *id),
            Actor::Cli => ("cli", uuid::Uuid::nil()),
            Actor::System(_) => ("system", uuid::Uuid::nil()),
        }
    }

    /// The id of a person or client acting; nil for the command line and
    /// the server itself.
    pub fn id(&self) -> uuid::Uuid {
        self.author().1
    }
}

/// Where the work was asked for: the request's id (quoted in the log and
/// the audit trail) and the client's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub request_id: String,
    pub ip: Option<String>,
}

impl Origin {
    /// Work started from the command line.
    pub fn cli() -> Self {
        Self {
            request_id: "cli".to_owned(),
            ip: None,
        }
    }
}
