//! `PathSet`: every file and directory under one root, as `/`-separated relative paths, with
//! the lookups the resolver needs (exact path, directory, basename, basename prefix, suffix).
//! Paths are interned: every resolution target shares the set's `Arc<str>` instead of holding
//! a copy (a 10,000-document workspace has about 240,000 resolved references).

use std::sync::Arc;

/// Lookups hash short paths millions of times while a workspace is indexed; SipHash's
/// resistance to chosen collisions buys nothing against the user's own file names.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

#[derive(Clone, Debug, Default)]
pub struct PathSet {
    /// Sorted, so globs and prefix walks visit paths in a stable order.
    files: Vec<Arc<str>>,
    file_index: HashMap<Arc<str>, u32>,
    dirs: HashSet<Arc<str>>,
    /// Basename -> indexes into `files`.
    by_name: HashMap<Box<str>, Vec<u32>>,
    /// (basename, index) sorted by basename, for prefix searches such as `REF-018*`.
    names_sorted: Vec<(Box<str>, u32)>,
    /// Folders holding a `.aiwg/` folder (project roots below the root), deepest first.
    projects: Vec<Arc<str>>,
}

impl PathSet {
    /// Builds the set from file paths relative to the root. Directories are every ancestor of
    /// a file, plus `extra_dirs` (directories that hold no file we listed).
    pub fn new(mut files: Vec<String>, extra_dirs: impl IntoIterator<Item = String>) -> PathSet {
        files.sort_unstable();
        files.dedup();
        let files: Vec<Arc<str>> = files.into_iter().map(Arc::from).collect();
        let mut dirs: HashSet<Arc<str>> = extra_dirs.into_iter().map(Arc::from).collect();
        let mut file_index = HashMap::with_capacity_and_hasher(files.len(), Default::default());
        let mut by_name: HashMap<Box<str>, Vec<u32>> =
            HashMap::with_capacity_and_hasher(files.len(), Default::default());
        for (i, path) in files.iter().enumerate() {
            file_index.insert(path.clone(), i as u32);
            let name = path.rsplit('/').next().unwrap_or(path);
            by_name.entry(name.into()).or_default().push(i as u32);
            let mut dir = &path[..];
            while let Some(slash) = dir.rfind('/') {
                dir = &dir[..slash];
                if !dirs.insert(dir.into()) {
                    break; // Its ancestors are in already.
                }
            }
        }
        let mut names_sorted: Vec<(Box<str>, u32)> =
            files.iter().enumerate().map(|(i, p)| (p.rsplit('/').next().unwrap_or(p).into(), i as u32)).collect();
        names_sorted.sort_unstable();
        let mut projects: Vec<Arc<str>> =
            dirs.iter().filter_map(|d| d.strip_suffix("/.aiwg")).filter(|p| !p.is_empty()).map(Arc::from).collect();
        projects.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        PathSet { files, file_index, dirs, by_name, names_sorted, projects }
    }

    /// The project root of `path`: its deepest ancestor folder holding `.aiwg/`, else `""` (the
    /// root). Projects are few, so this is a handful of prefix comparisons, no lookups.
    pub(crate) fn project_of<'a>(&self, path: &'a str) -> &'a str {
        self.projects
            .iter()
            .find(|p| path.len() > p.len() && path.starts_with(&***p) && path.as_bytes()[p.len()] == b'/')
            .map_or("", |p| &path[..p.len()])
    }

    pub(crate) fn len(&self) -> usize {
        self.files.len()
    }

    pub(crate) fn files(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|p| &**p)
    }

    pub(crate) fn is_file(&self, path: &str) -> bool {
        self.file_index.contains_key(path)
    }

    /// The root itself (`""`) is a directory.
    pub(crate) fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || self.dirs.contains(path)
    }

    /// The set's shared copy of `path`, when it names a file or directory of the set.
    pub(crate) fn intern(&self, path: &str) -> Option<Arc<str>> {
        if let Some((key, _)) = self.file_index.get_key_value(path) {
            return Some(Arc::clone(key));
        }
        self.dirs.get(path).cloned()
    }

    pub(crate) fn exists(&self, path: &str) -> bool {
        self.is_file(path) || self.is_dir(path)
    }

    pub(crate) fn dirs(&self) -> impl Iterator<Item = &str> {
        self.dirs.iter().map(|d| &**d)
    }

    /// Files whose basename is exactly `name`.
    pub(crate) fn with_name<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.by_name.get(name).into_iter().flatten().map(|&i| &*self.files[i as usize])
    }

    /// Files whose basename starts with `prefix`.
    pub(crate) fn with_name_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let start = self.names_sorted.partition_point(|(name, _)| &**name < prefix);
        self.names_sorted[start..]
            .iter()
            .take_while(move |(name, _)| name.starts_with(prefix))
            .map(|&(_, i)| &*self.files[i as usize])
    }

    /// Files under directory `dir` (recursively).
    pub(crate) fn under<'a>(&'a self, dir: &str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        let start = self.files.partition_point(|p| **p < *prefix);
        self.files[start..].iter().take_while(move |p| p.starts_with(&prefix)).map(|p| &**p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let set = PathSet::new(
            vec!["docs/references/REF-018-react.md".into(), "a/b/c.md".into(), "a/x.md".into()],
            ["empty".to_string()],
        );
        assert!(set.is_file("a/b/c.md") && !set.is_file("a/b"));
        assert!(set.is_dir("a/b") && set.is_dir("a") && set.is_dir("empty") && set.is_dir(""));
        assert_eq!(set.with_name("c.md").collect::<Vec<_>>(), ["a/b/c.md"]);
        assert_eq!(set.with_name_prefix("REF-018").collect::<Vec<_>>(), ["docs/references/REF-018-react.md"]);
        assert_eq!(set.under("a").collect::<Vec<_>>(), ["a/b/c.md", "a/x.md"]);
    }
}
