//! Demo accounts: admins, customers, and one talent account for every demo celebrity. All
//! addresses use reserved example domains (RFC 2606), so no real inbox is ever written to.

use headliner_domain::celebrity::Celebrity;
use headliner_domain::email::EmailAddress;
use headliner_domain::ids::UserId;
use headliner_domain::role::Role;
use headliner_domain::user::User;
use headliner_ports::users::NewAccount;

use super::timeline::{Timeline, shift};
use super::{DataError, ids};

/// Stored as every demo account's password hash. It is not an argon2id PHC string, so it
/// does not parse as one and no password can ever verify against it: demo accounts cannot
/// log in with a password. To use one, set a password through the accounts feature's
/// password reset (demo mail is written as .eml files by default), or create your own admin
/// with `headliner create-admin`.
pub const DEMO_PASSWORD_HASH: &str = "!demo-account-no-password";

/// Where talent accounts receive mail: `<celebrity slug>@` this domain.
const TALENT_DOMAIN: &str = "talent.headliner.example";

/// (display name, email)
const ADMINS: [(&str, &str); 2] =
    [("Demo Admin", "admin@headliner.example"), ("Sam Whitfield", "sam.whitfield@headliner.example")];

/// (display name, email): people and two organisers that book for their events.
const CUSTOMERS: [(&str, &str); 12] = [
    ("Maya Feldman", "maya.feldman@example.com"),
    ("Jonas Eberhardt", "jonas.eberhardt@example.net"),
    ("Aisha Rahman", "aisha.rahman@example.org"),
    ("Tomás Ibarra", "tomas.ibarra@example.com"),
    ("Chloe Brandt", "chloe.brandt@example.net"),
    ("Kwabena Owusu", "kwabena.owusu@example.org"),
    ("Sofia Lindahl", "sofia.lindahl@example.com"),
    ("Ben Whitaker", "ben.whitaker@example.net"),
    ("Priya Raghunathan", "priya.raghunathan@example.org"),
    ("Lukas Brenner", "lukas.brenner@example.com"),
    ("Northwind Events", "bookings@northwind-events.example"),
    ("Bright Harbour Festival", "artists@brightharbour.example"),
];

/// Every demo account, in the order they are written, plus who is who for the bookings.
#[derive(Debug)]
pub(super) struct Accounts {
    pub all: Vec<NewAccount>,
    pub admins: Vec<UserId>,
    pub customers: Vec<UserId>,
    /// `talent[i]` acts for the `i`-th demo celebrity.
    pub talent: Vec<UserId>,
}

pub(super) fn accounts(timeline: &Timeline, celebrities: &[Celebrity]) -> Result<Accounts, DataError> {
    let mut accounts = Accounts { all: Vec::new(), admins: Vec::new(), customers: Vec::new(), talent: Vec::new() };
    let staff_since = timeline.day(-400, 8 * 60)?;
    for (i, (name, email)) in ADMINS.into_iter().enumerate() {
        let joined = shift(staff_since, days(i)?)?;
        let id = accounts.add(name, email, Role::Admin, None, joined)?;
        accounts.admins.push(id);
    }
    let customers_since = timeline.day(-300, 18 * 60)?;
    for (i, (name, email)) in CUSTOMERS.into_iter().enumerate() {
        let joined = shift(customers_since, 7 * days(i)?)?;
        let id = accounts.add(name, email, Role::Customer, None, joined)?;
        accounts.customers.push(id);
    }
    for celebrity in celebrities {
        let email = format!("{}@{TALENT_DOMAIN}", celebrity.slug);
        let joined = shift(celebrity.created_at.into(), 60)?;
        let id = accounts.add(&celebrity.name, &email, Role::Talent, Some(celebrity), joined)?;
        accounts.talent.push(id);
    }
    Ok(accounts)
}

impl Accounts {
    fn add(
        &mut self,
        name: &str,
        email: &str,
        role: Role,
        celebrity: Option<&Celebrity>,
        joined: std::time::SystemTime,
    ) -> Result<UserId, DataError> {
        let id = ids::user_id(self.all.len());
        let user = User {
            id,
            email: EmailAddress::parse(email)?,
            display_name: name.to_owned(),
            role,
            celebrity_id: celebrity.map(|c| c.id),
            disabled: false,
            created_at: joined.into(),
        };
        self.all.push(NewAccount { user, password_hash: DEMO_PASSWORD_HASH.to_owned() });
        Ok(id)
    }
}

/// `n` days in minutes.
fn days(n: usize) -> Result<i64, DataError> {
    i64::try_from(n).ok().and_then(|n| n.checked_mul(1_440)).ok_or(DataError::TimeOutOfRange)
}
