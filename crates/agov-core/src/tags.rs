//! Tags on records (bugs, memory entries): one rule for all of them.

/// Trims, checks (1-64 characters, no whitespace), sorts and deduplicates
/// tags; the error names the first bad one.
pub fn normalize(tags: &[String]) -> Result<Vec<String>, String> {
    let mut tags: Vec<String> = tags.iter().map(|t| t.trim().to_string()).collect();
    if let Some(bad) = tags
        .iter()
        .find(|t| t.is_empty() || t.len() > 64 || t.contains(char::is_whitespace))
    {
        return Err(format!(
            "`{bad}` is not a tag: 1-64 characters without spaces"
        ));
    }
    tags.sort();
    tags.dedup();
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn tags_are_trimmed_sorted_deduplicated_and_checked() {
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(normalize(&t(&[" b", "a", "b "])), Ok(t(&["a", "b"])));
        assert!(
            normalize(&t(&["two words"]))
                .unwrap_err()
                .contains("`two words`")
        );
        assert!(normalize(&t(&[""])).is_err());
        assert!(normalize(&t(&[&"x".repeat(65)])).is_err());
    }
}
