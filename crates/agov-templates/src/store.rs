//! The template registry of one tenant: add, list, show, search, remove.

use agov_ledger::{Ledger, NewEvent, append_in};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::TemplateError;
use crate::model::{Reference, Template};

/// A stored template.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[schemars(
    title = "Stored template",
    description = "`pipeline templates show --json`: a template as stored."
)]
pub struct Stored {
    /// NAME@VERSION.
    pub reference: String,
    /// The template.
    #[serde(flatten)]
    pub template: Template,
    /// SHA-256 of the template's canonical JSON, hex: what a plan pins.
    pub digest: String,
    /// Who added it (user:NAME).
    pub added_by: String,
    /// When, RFC 3339.
    #[schemars(extend("format" = "date-time"))]
    pub added: String,
}

/// A search result.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Hit {
    /// The template.
    #[serde(flatten)]
    pub stored: Stored,
    /// Where the words matched, matches in [brackets].
    pub snippet: String,
    /// BM25 relevance; lower is better.
    pub rank: f64,
}

/// What adding one template did.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Installed {
    /// NAME@VERSION.
    pub reference: String,
    /// `added`, or `unchanged` when the same content was already stored.
    #[schemars(extend("enum" = ["added", "unchanged"]))]
    pub status: &'static str,
}

/// The template registry of one tenant, acting as one actor.
pub struct Templates<'a> {
    ledger: &'a mut Ledger,
    tenant: String,
    actor: String,
}

const COLUMNS: &str = "body, digest, actor, created_us";

fn read_stored(r: &Row<'_>) -> rusqlite::Result<Stored> {
    let body: String = r.get(0)?;
    let template: Template = serde_json::from_str(&body).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(Stored {
        reference: template.reference(),
        template,
        digest: r.get(1)?,
        added_by: r.get(2)?,
        added: agov_core::time::format_us(r.get(3)?),
    })
}

impl<'a> Templates<'a> {
    /// The registry of `tenant`, recording changes as made by `actor`.
    pub fn new(
        ledger: &'a mut Ledger,
        tenant: impl Into<String>,
        actor: impl Into<String>,
    ) -> Templates<'a> {
        Templates {
            ledger,
            tenant: tenant.into(),
            actor: actor.into(),
        }
    }

    fn db_err(&self, e: rusqlite::Error) -> TemplateError {
        TemplateError::db(self.ledger.path(), e)
    }

    /// Adds templates, all or none, in one transaction. A version already
    /// stored with the same content is `unchanged`; with other content the
    /// whole add is refused.
    pub fn add(&mut self, templates: &[Template]) -> Result<Vec<Installed>, TemplateError> {
        let keys = templates
            .iter()
            .map(|t| {
                t.check()
                    .and_then(|()| t.parsed_version())
                    .map(|v| v.sort_key())
                    .map_err(|e| TemplateError::BadInput(format!("{}: {e}", t.reference())))
            })
            .collect::<Result<Vec<String>, TemplateError>>()?;
        let path = self.ledger.path().to_path_buf();
        let (tenant, actor) = (self.tenant.clone(), self.actor.clone());
        let conn = self.ledger.connection();
        let mut run = || -> rusqlite::Result<Result<Vec<Installed>, TemplateError>> {
            let tx = agov_sqlite::write_tx(conn)?;
            let mut done = Vec::with_capacity(templates.len());
            let now = agov_core::time::now_us();
            for (t, key) in templates.iter().zip(&keys) {
                let digest = t.digest();
                let existing: Option<String> = tx
                    .prepare_cached(
                        "SELECT digest FROM templates WHERE tenant = ?1 AND name = ?2 AND version_key = ?3",
                    )?
                    .query_row(params![tenant, t.name, key], |r| r.get(0))
                    .optional()?;
                let reference = t.reference();
                match existing {
                    Some(d) if d == digest => {
                        done.push(Installed {
                            reference,
                            status: "unchanged",
                        });
                        continue;
                    }
                    Some(_) => return Ok(Err(TemplateError::Conflict(reference))),
                    None => {}
                }
                tx.prepare_cached(
                    "INSERT INTO templates (tenant, name, version, version_key, role, driver, tier, description,
                                            tags, body, digest, actor, created_us)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )?
                .execute(params![
                    tenant,
                    t.name,
                    t.version,
                    key,
                    t.role.as_str(),
                    t.driver.as_str(),
                    t.tier,
                    t.description,
                    t.tags.join(" "),
                    t.body(),
                    digest,
                    actor,
                    now
                ])?;
                let event = NewEvent::new(&tenant, &actor, "template.add")
                    .subject(reference.clone())
                    .with("digest", digest)
                    .with("role", t.role.as_str())
                    .with("driver", t.driver.as_str())
                    .with("tier", t.tier);
                append_in(&tx, &event)?;
                done.push(Installed {
                    reference,
                    status: "added",
                });
            }
            tx.commit()?;
            Ok(Ok(done))
        };
        run().map_err(|e| TemplateError::db(&path, e))?
    }

    /// The templates, by name; only the newest version of each unless `all_versions`.
    pub fn list(&self, all_versions: bool) -> Result<Vec<Stored>, TemplateError> {
        let sql = if all_versions {
            format!(
                "SELECT {COLUMNS} FROM templates WHERE tenant = ?1 ORDER BY name, version_key DESC"
            )
        } else {
            format!(
                "SELECT {COLUMNS} FROM templates t WHERE tenant = ?1 AND version_key =
                   (SELECT max(version_key) FROM templates u WHERE u.tenant = t.tenant AND u.name = t.name)
                 ORDER BY name"
            )
        };
        let run = || -> rusqlite::Result<Vec<Stored>> {
            let mut stmt = self.ledger.conn().prepare_cached(&sql)?;
            let rows = stmt.query_map([&self.tenant], read_stored)?;
            rows.collect()
        };
        run().map_err(|e| self.db_err(e))
    }

    /// One template: the version named, or the newest.
    pub fn get(&self, r: &Reference) -> Result<Stored, TemplateError> {
        get_in(self.ledger.conn(), &self.tenant, r)
            .map_err(|e| self.db_err(e))?
            .ok_or_else(|| TemplateError::NotFound(r.to_string()))
    }

    /// Full-text search over names, descriptions and tags, best match first.
    pub fn search(&self, query: &str, limit: u64) -> Result<Vec<Hit>, TemplateError> {
        let Some(fts) = agov_sqlite::fts::match_expression(query) else {
            return Err(TemplateError::BadInput("the search query is empty".into()));
        };
        let sql = format!(
            "SELECT {COLUMNS}, top.rank FROM (
                 SELECT templates_fts.rowid AS num, bm25(templates_fts, 10.0, 1.0, 5.0) AS rank
                 FROM templates_fts JOIN templates t ON t.num = templates_fts.rowid
                 WHERE templates_fts MATCH ?1 AND t.tenant = ?2
                 ORDER BY rank LIMIT ?3) AS top
             JOIN templates ON templates.num = top.num
             ORDER BY top.rank"
        );
        let terms = agov_sqlite::fts::Terms::new(query);
        let run = || -> rusqlite::Result<Vec<Hit>> {
            let mut stmt = self.ledger.conn().prepare_cached(&sql)?;
            let rows = stmt.query_map(params![fts, self.tenant, limit as i64], |r| {
                let stored = read_stored(r)?;
                let t = &stored.template;
                let snippet = terms
                    .snippet(&t.description)
                    .or_else(|| terms.snippet(&t.tags.join(" ")))
                    .or_else(|| terms.snippet(&t.name))
                    .unwrap_or_else(|| t.description.clone());
                Ok(Hit {
                    rank: r.get(4)?,
                    stored,
                    snippet,
                })
            })?;
            rows.collect()
        };
        run().map_err(|e| self.db_err(e))
    }

    /// Removes the version named, or every version of the name; returns
    /// what was removed.
    pub fn remove(&mut self, r: &Reference) -> Result<Vec<String>, TemplateError> {
        let path = self.ledger.path().to_path_buf();
        let (tenant, actor) = (self.tenant.clone(), self.actor.clone());
        let conn = self.ledger.connection();
        let mut run = || -> rusqlite::Result<Vec<String>> {
            let tx = agov_sqlite::write_tx(conn)?;
            let key = r.version.as_ref().map(|v| v.sort_key());
            let rows: Vec<(i64, String, String)> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT num, version, digest FROM templates
                     WHERE tenant = ?1 AND name = ?2 AND (?3 IS NULL OR version_key = ?3)
                     ORDER BY version_key",
                )?;
                stmt.query_map(params![tenant, r.name, key], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                })?
                .collect::<rusqlite::Result<_>>()?
            };
            let mut removed = Vec::new();
            for (num, version, digest) in rows {
                tx.prepare_cached("DELETE FROM templates WHERE num = ?1")?
                    .execute([num])?;
                let reference = format!("{}@{version}", r.name);
                append_in(
                    &tx,
                    &NewEvent::new(&tenant, &actor, "template.rm")
                        .subject(reference.clone())
                        .with("digest", digest),
                )?;
                removed.push(reference);
            }
            tx.commit()?;
            Ok(removed)
        };
        let removed = run().map_err(|e| TemplateError::db(&path, e))?;
        if removed.is_empty() {
            return Err(TemplateError::NotFound(r.to_string()));
        }
        Ok(removed)
    }

    /// The tenant.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }
}

/// The template `reference` (`NAME` or `NAME@VERSION`) names for `tenant`
/// in `ledger`'s database, as a plan's lookup wants it: a reference that
/// does not parse names no template.
pub fn find(
    ledger: &Ledger,
    tenant: &str,
    reference: &str,
) -> Result<Option<Template>, TemplateError> {
    let Ok(r) = reference.parse::<Reference>() else {
        return Ok(None);
    };
    get_in(ledger.conn(), tenant, &r)
        .map(|s| s.map(|s| s.template))
        .map_err(|e| TemplateError::db(ledger.path(), e))
}

/// The template `r` names for `tenant`, on any connection to the
/// governance database (a plan being spawned resolves its templates here).
pub fn get_in(conn: &Connection, tenant: &str, r: &Reference) -> rusqlite::Result<Option<Stored>> {
    let key = r.version.as_ref().map(|v| v.sort_key());
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM templates
         WHERE tenant = ?1 AND name = ?2 AND (?3 IS NULL OR version_key = ?3)
         ORDER BY version_key DESC LIMIT 1"
    ))?
    .query_row(params![tenant, r.name, key], read_stored)
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(name: &str, version: &str, description: &str, tags: &[&str]) -> Template {
        Template::parse(
            "t",
            &format!(
                "name: {name}\nversion: '{version}'\ndescription: {description}\nrole: alpha\ncommand: [sh, x.sh]\ntier: 1\ntags: [{}]",
                tags.join(", ")
            ),
        )
        .unwrap()
    }

    fn ledger(dir: &tempfile::TempDir) -> Ledger {
        Ledger::open(&dir.path().join("agov.db"), true).unwrap()
    }

    #[test]
    fn add_list_get_search_remove_and_the_ledger_records_each() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = ledger(&dir);
        let mut reg = Templates::new(&mut l, "acme", "user:ana");
        let a1 = template(
            "tf-review",
            "1.9",
            "Reviews a terraform plan",
            &["terraform"],
        );
        let a2 = template(
            "tf-review",
            "1.10",
            "Reviews a terraform plan, better",
            &["terraform"],
        );
        let b = template(
            "ansible-check",
            "1",
            "Runs ansible in check mode",
            &["ansible"],
        );
        let done = reg.add(&[a1.clone(), a2.clone(), b.clone()]).unwrap();
        assert!(done.iter().all(|d| d.status == "added"));
        assert_eq!(
            reg.add(std::slice::from_ref(&a1)).unwrap()[0].status,
            "unchanged"
        );

        let names: Vec<String> = reg
            .list(false)
            .unwrap()
            .into_iter()
            .map(|s| s.reference)
            .collect();
        assert_eq!(names, vec!["ansible-check@1", "tf-review@1.10"]);
        assert_eq!(reg.list(true).unwrap().len(), 3);
        assert_eq!(reg.get(&"tf-review".parse().unwrap()).unwrap().template, a2);
        assert_eq!(
            reg.get(&"tf-review@1.9".parse().unwrap()).unwrap().template,
            a1
        );

        let hits = reg.search("terraform", 10).unwrap();
        assert_eq!(hits.len(), 2);
        assert!(
            hits[0].snippet.contains("[terraform]") || hits[0].snippet.contains("[Terraform]"),
            "{}",
            hits[0].snippet
        );
        assert_eq!(
            reg.search("ansib*", 10).unwrap()[0].stored.reference,
            "ansible-check@1"
        );
        assert!(reg.search("kubernetes", 10).unwrap().is_empty());

        assert_eq!(reg.remove(&"tf-review".parse().unwrap()).unwrap().len(), 2);
        assert!(matches!(
            reg.get(&"tf-review".parse().unwrap()),
            Err(TemplateError::NotFound(_))
        ));
        assert!(reg.search("terraform", 10).unwrap().is_empty());
        assert!(matches!(
            reg.remove(&"tf-review".parse().unwrap()),
            Err(TemplateError::NotFound(_))
        ));
        let actions: Vec<String> = l
            .tail(Some("acme"), 10)
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions.iter().filter(|a| *a == "template.add").count(), 3);
        assert_eq!(actions.iter().filter(|a| *a == "template.rm").count(), 2);
    }

    #[test]
    fn a_changed_version_is_refused_and_nothing_of_the_batch_lands() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = ledger(&dir);
        let mut reg = Templates::new(&mut l, "acme", "user:ana");
        reg.add(&[template("x", "1", "first", &[])]).unwrap();
        let e = reg
            .add(&[
                template("y", "1", "other", &[]),
                template("x", "1", "changed", &[]),
            ])
            .unwrap_err();
        assert!(
            matches!(e, TemplateError::Conflict(ref r) if r == "x@1"),
            "{e}"
        );
        assert_eq!(reg.list(true).unwrap().len(), 1);
        assert!(matches!(
            reg.get(&"y".parse().unwrap()),
            Err(TemplateError::NotFound(_))
        ));
    }

    #[test]
    fn tenants_do_not_see_each_others_templates() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = ledger(&dir);
        Templates::new(&mut l, "acme", "user:ana")
            .add(&[template("x", "1", "secret sauce", &[])])
            .unwrap();
        let mut other = Templates::new(&mut l, "globex", "user:bo");
        assert!(other.list(true).unwrap().is_empty());
        assert!(other.search("sauce", 10).unwrap().is_empty());
        assert!(matches!(
            other.get(&"x".parse().unwrap()),
            Err(TemplateError::NotFound(_))
        ));
        assert!(matches!(
            other.remove(&"x".parse().unwrap()),
            Err(TemplateError::NotFound(_))
        ));
        assert_eq!(
            Templates::new(&mut l, "acme", "user:ana")
                .list(true)
                .unwrap()
                .len(),
            1
        );
    }
}
