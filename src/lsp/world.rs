//! `World`: what the writer publishes after every change and what requests read. It holds one
//! snapshot per workspace folder, the text of every open document, and the negotiated
//! position encoding. Requests take an `Arc<World>` and never lock anything.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tower_lsp_server::ls_types as lsp;

use crate::lsp::settings::Settings;
use crate::resolve::RootKind;
use crate::text::{LineIndex, PositionEncoding};
use crate::workspace::{DocId, Snapshot};

/// Largest closed file read to convert positions (definition and reference targets).
const MAX_TARGET_BYTES: u64 = 16 * 1024 * 1024;

/// One workspace folder's index.
#[derive(Clone)]
pub(crate) struct Folder {
    pub(crate) root: PathBuf,
    /// The aiwg install root, when it lies outside the folder.
    pub(crate) aiwg_root: Option<PathBuf>,
    pub(crate) snapshot: Arc<Snapshot>,
    /// False until the cold index of the folder is complete.
    pub(crate) indexed: bool,
    /// A folder made for files opened outside every workspace folder: it lists only those
    /// files, reads nothing else, and publishes no diagnostics (it is nobody's project).
    pub(crate) loose: bool,
}

/// The current text of an open document.
pub(crate) struct OpenText {
    pub(crate) version: i32,
    pub(crate) text: Arc<str>,
    pub(crate) line_index: Arc<LineIndex>,
}

/// Where a document of a folder lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DocPlace {
    pub(crate) folder: usize,
    pub(crate) root: RootKind,
    pub(crate) path: String,
}

#[derive(Clone)]
pub(crate) struct World {
    pub(crate) folders: Vec<Folder>,
    pub(crate) open: Arc<HashMap<lsp::Uri, Arc<OpenText>>>,
    pub(crate) encoding: PositionEncoding,
    pub(crate) settings: Settings,
}

/// A document located in the world, with the text its positions refer to.
pub(crate) struct DocView {
    pub(crate) folder: usize,
    pub(crate) id: DocId,
    pub(crate) text: Arc<str>,
    pub(crate) line_index: Arc<LineIndex>,
}

impl World {
    pub(crate) fn empty(encoding: PositionEncoding, settings: Settings) -> World {
        World { folders: Vec::new(), open: Arc::default(), encoding, settings }
    }

    /// The folder, tree and relative path of a file: the folder with the longest root that
    /// contains it, else a folder whose external aiwg root contains it.
    pub(crate) fn place(&self, path: &Path) -> Option<DocPlace> {
        let relative = |root: &Path| crate::loader::relative(root, path);
        let workspace = self
            .folders
            .iter()
            .enumerate()
            .filter_map(|(i, f)| relative(&f.root).map(|rel| (f.root.as_os_str().len(), i, rel)))
            .max_by_key(|(len, _, _)| *len);
        if let Some((_, folder, path)) = workspace {
            return Some(DocPlace { folder, root: RootKind::Workspace, path });
        }
        self.folders.iter().enumerate().find_map(|(folder, f)| {
            let rel = relative(f.aiwg_root.as_deref()?)?;
            Some(DocPlace { folder, root: RootKind::Aiwg, path: rel })
        })
    }

    pub(crate) fn place_of_uri(&self, uri: &lsp::Uri) -> Option<DocPlace> {
        self.place(&uri.to_file_path()?)
    }

    /// The absolute path of a document of a folder.
    pub(crate) fn file_path(&self, folder: usize, root: RootKind, path: &str) -> Option<PathBuf> {
        let folder = self.folders.get(folder)?;
        let base = match root {
            RootKind::Workspace => &folder.root,
            RootKind::Aiwg => folder.aiwg_root.as_ref()?,
        };
        Some(base.join(path))
    }

    /// The text of a file of a folder, within the size limit and inside its root (links
    /// resolved), for converting positions.
    pub(crate) fn read(&self, folder: usize, root: RootKind, path: &str) -> Option<String> {
        let folder = self.folders.get(folder)?;
        let base = match root {
            RootKind::Workspace => &folder.root,
            RootKind::Aiwg => folder.aiwg_root.as_ref()?,
        };
        crate::loader::read_in_root(base, path, MAX_TARGET_BYTES).ok()
    }

    pub(crate) fn uri(&self, folder: usize, root: RootKind, path: &str) -> Option<lsp::Uri> {
        lsp::Uri::from_file_path(self.file_path(folder, root, path)?)
    }

    /// The indexed document behind `uri` with its current text: the editor's text when open,
    /// else the file on disk.
    pub fn doc(&self, uri: &lsp::Uri) -> Option<DocView> {
        let place = self.place_of_uri(uri)?;
        let id = self.folders[place.folder].snapshot.doc_by_path(place.root, &place.path)?;
        let (text, line_index) = match self.open.get(uri) {
            Some(open) => (Arc::clone(&open.text), Arc::clone(&open.line_index)),
            None => {
                let text: Arc<str> = self.read(place.folder, place.root, &place.path)?.into();
                let index = Arc::new(LineIndex::new(&text));
                (text, index)
            }
        };
        Some(DocView { folder: place.folder, id, text, line_index })
    }

    /// The line index of any file of a folder, for converting target ranges. Prefer
    /// [`TargetIndexes`], which reads each file once per request.
    fn line_index(&self, folder: usize, root: RootKind, path: &str) -> Option<Arc<LineIndex>> {
        let file = self.file_path(folder, root, path)?;
        if let Some(open) = lsp::Uri::from_file_path(&file).and_then(|uri| self.open.get(&uri)) {
            return Some(Arc::clone(&open.line_index));
        }
        Some(Arc::new(LineIndex::new(&self.read(folder, root, path)?)))
    }
}

/// Line indexes of the files a request's answer points into, each read at most once.
pub(crate) struct TargetIndexes<'w> {
    world: &'w World,
    cache: HashMap<(usize, RootKind, String), Option<Arc<LineIndex>>>,
}

impl<'w> TargetIndexes<'w> {
    pub(crate) fn new(world: &'w World) -> TargetIndexes<'w> {
        TargetIndexes { world, cache: HashMap::new() }
    }

    pub(crate) fn world(&self) -> &'w World {
        self.world
    }

    pub(crate) fn get(&mut self, folder: usize, root: RootKind, path: &str) -> Option<Arc<LineIndex>> {
        let key = (folder, root, path.to_string());
        if let Some(found) = self.cache.get(&key) {
            return found.clone();
        }
        let found = self.world.line_index(folder, root, path);
        self.cache.insert(key, found.clone());
        found
    }
}
