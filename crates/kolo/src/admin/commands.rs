//! `kolo admin ...`: account setup and audit checks for scripted installations.
//! Each works while `kolo serve` runs on the same data, and is audited.

use std::sync::Arc;

use anyhow::Context;
use kolo_core::auth::{ApiToken, LoginName, NewUser, Password, Role, RoleSet};
use kolo_core::ids::{new_id, new_secret_token, token_hash};
use kolo_core::lang::Lang;
use kolo_core::org::Oblast;
use kolo_core::time::Timestamp;
use kolo_core::{Store, StoreError};
use serde_json::json;

use crate::audit::{Actor, AuditEvent, VerifyOutcome, record, verify_audit as walk_audit};
use vault::keys::Protection;
use vault::{KdfParams, SecretString};

use crate::vault::Vault;
use crate::web::i18n;

pub async fn create_user(
    store: &dyn Store,
    vault: &Vault,
    login: &str,
    roles: &[String],
    name: Option<String>,
    oblast: Option<String>,
) -> anyhow::Result<()> {
    let login = LoginName::parse(login).map_err(|problem| {
        anyhow::anyhow!(
            "login {login:?} is not valid: {}",
            i18n::text(Lang::En, problem.message_id())
        )
    })?;
    let roles = parse_roles(roles)?;
    let oblast = oblast
        .map(|code| {
            Oblast::from_code(&code).ok_or_else(|| {
                anyhow::anyhow!(
                    "--oblast {code:?} is not an ISO 3166-2:UA code such as UA-46 (Lviv oblast)"
                )
            })
        })
        .transpose()?;
    let password = read_new_password(login.as_str())?;
    let password_hash = crate::passwords::hash(password).await?;
    let new_user = NewUser {
        display_name: name.unwrap_or_else(|| login.to_string()),
        login: login.clone(),
        roles,
        oblast,
        password_hash,
    };
    let id = match store.create_user(&new_user, Timestamp::now()).await {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => {
            anyhow::bail!("an account with login {login} already exists")
        }
        Err(error) => return Err(error.into()),
    };
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    audit(
        store,
        vault,
        "user.create",
        &format!("user:{id}"),
        json!({ "roles": names }),
    )
    .await?;
    println!("created account {login} with roles: {}", names.join(", "));
    Ok(())
}

pub async fn api_token(
    store: &dyn Store,
    vault: &Vault,
    login: &str,
    name: String,
) -> anyhow::Result<()> {
    let login =
        LoginName::parse(login).map_err(|_| anyhow::anyhow!("no account has login {login:?}"))?;
    let Some((user, _)) = store.user_credentials(&login).await? else {
        anyhow::bail!("no account has login {login}");
    };
    if user.disabled {
        anyhow::bail!("the account {login} is disabled; enable it before giving it a token");
    }
    let token = new_secret_token();
    let record = ApiToken {
        id: new_id(),
        user_id: user.id.clone(),
        name,
        created_at: Timestamp::now(),
        last_used_at: None,
    };
    store.create_api_token(&record, &token_hash(&token)).await?;
    audit(
        store,
        vault,
        "api_token.create",
        &format!("user:{}", user.id),
        json!({ "token": record.id }),
    )
    .await?;
    println!("{token}");
    Ok(())
}

/// Prints the outcome; a broken chain or a bad head file is an error (exit 1).
pub async fn verify_audit(store: Arc<dyn Store>, vault: &Vault) -> anyhow::Result<()> {
    match walk_audit(store, vault).await? {
        VerifyOutcome::Intact {
            entries,
            beyond_head_file,
        } => {
            println!("The audit log is intact: {entries} entries, each linked to the one before.");
            if beyond_head_file > 0 {
                println!(
                    "Note: the last {beyond_head_file} entries are newer than the head file. This is normal \
                     right after a crash; otherwise someone may have added entries to the database directly."
                );
            }
            Ok(())
        }
        VerifyOutcome::Broken(broken) => anyhow::bail!("{broken}"),
        VerifyOutcome::HeadFile(problem) => anyhow::bail!("{problem}"),
    }
}

pub async fn set_passphrase(store: &dyn Store, vault: &Vault) -> anyhow::Result<()> {
    let passphrase = match std::env::var("KOLO_VAULT_NEW_PASSPHRASE") {
        Ok(passphrase) => passphrase,
        Err(_) => {
            let first = rpassword::prompt_password("New vault passphrase: ")
                .context("reading the passphrase")?;
            let second = rpassword::prompt_password("The same passphrase again: ")
                .context("reading the passphrase")?;
            if first != second {
                anyhow::bail!("the two passphrases differ; nothing was changed");
            }
            first
        }
    };
    change_protection(
        vault,
        Protection::Passphrase {
            passphrase: SecretString::new(passphrase),
            params: KdfParams::RECOMMENDED,
        },
    )?;
    audit(store, vault, "key.passphrase_set", "keys", json!({})).await?;
    println!(
        "The master key is now sealed by the passphrase. Restarted servers start locked; an admin \
         unlocks them at /unlock. Keep the passphrase somewhere safe: without it the data cannot be read."
    );
    Ok(())
}

pub async fn remove_passphrase(store: &dyn Store, vault: &Vault) -> anyhow::Result<()> {
    change_protection(vault, Protection::KeyFile)?;
    audit(store, vault, "key.passphrase_removed", "keys", json!({})).await?;
    println!("The master key is kept in its file again: the server starts without a passphrase.");
    Ok(())
}

pub async fn export_backup_key(
    store: &dyn Store,
    vault: &Vault,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let key = vault.backup_key()?;
    key.export(out)
        .with_context(|| format!("writing {}", out.display()))?;
    audit(
        store,
        vault,
        "key.backup_key_export",
        "keys",
        json!({ "key": key.id() }),
    )
    .await?;
    println!(
        "Backup key {} written to {}. Store it away from the server (a USB stick in a safe place): \
         with it, a backup can be restored on a new machine.",
        key.id(),
        out.display()
    );
    Ok(())
}

fn change_protection(vault: &Vault, protection: Protection) -> anyhow::Result<()> {
    vault
        .with_ring(|ring| ring.change_protection(protection))
        .map_err(|_| {
            anyhow::anyhow!(
                "the key ring is sealed: set KOLO_VAULT_PASSPHRASE to its current passphrase"
            )
        })??;
    Ok(())
}

pub(crate) async fn audit(
    store: &dyn Store,
    vault: &Vault,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> anyhow::Result<()> {
    record(
        store,
        vault,
        AuditEvent {
            actor: &Actor::Command,
            address: None,
            action,
            target,
            details,
        },
    )
    .await?;
    Ok(())
}

fn parse_roles(names: &[String]) -> anyhow::Result<RoleSet> {
    names
        .iter()
        .map(|name| {
            Role::parse(name).ok_or_else(|| {
                let known: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                anyhow::anyhow!(
                    "--role {name:?} is not a role; use one of: {}",
                    known.join(", ")
                )
            })
        })
        .collect()
}

/// The new password from `KOLO_PASSWORD`, or typed twice at a prompt.
fn read_new_password(login: &str) -> anyhow::Result<Password> {
    let explain = |problem: kolo_core::auth::PasswordProblem| {
        anyhow::anyhow!(
            "the password is refused: {}",
            i18n::text(Lang::En, problem.message_id())
        )
    };
    if let Ok(password) = std::env::var("KOLO_PASSWORD") {
        return Password::new(&password, login).map_err(explain);
    }
    let first = rpassword::prompt_password(format!("New password for {login}: "))
        .context("reading the password (set KOLO_PASSWORD when no terminal is attached)")?;
    let password = Password::new(&first, login).map_err(explain)?;
    let second =
        rpassword::prompt_password("The same password again: ").context("reading the password")?;
    if first != second {
        anyhow::bail!("the two passwords differ; nothing was changed");
    }
    Ok(password)
}
