//! The Typst world a packet is typeset in: the packet template, its data
//! and images as in-memory files, the fonts shipped in `assets/fonts`, and a
//! fixed "today". Nothing is read from disk or the network, so the same
//! input always gives the same document.

use std::collections::HashMap;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The requisition packet's layout.
pub(crate) const REQUISITION: &str = include_str!("../../../../assets/packet/requisition.typ");
/// The emergency vendor sheet's layout.
pub(crate) const VENDOR_SHEET: &str = include_str!("../../../../assets/packet/vendor-sheet.typ");
/// The summary at the front of a FEMA reimbursement packet.
pub(crate) const FEMA_SUMMARY: &str = include_str!("../../../../assets/packet/fema-summary.typ");
/// The report to the board of what cooperative buying saved.
pub(crate) const BOARD_REPORT: &str = include_str!("../../../../assets/packet/board-report.typ");

const FONT_FILES: [&[u8]; 4] = [
    include_bytes!("../../../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../../../assets/fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../../../assets/fonts/DejaVuSans-Oblique.ttf"),
    include_bytes!("../../../../assets/fonts/DejaVuSansMono.ttf"),
];

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

/// The library and fonts are the same for every packet: parsed once.
fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = FONT_FILES.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
        Shared { library: LazyHash::new(Library::default()), book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
    })
}

fn id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a valid virtual path")).intern()
}

pub(crate) struct PacketWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

impl PacketWorld {
    /// `files`: name to bytes, e.g. `data.json`, `qr.svg`, `logo.png`.
    pub(crate) fn new(template: &str, files: Vec<(String, Vec<u8>)>, today: chrono::NaiveDate) -> PacketWorld {
        use chrono::Datelike;
        PacketWorld {
            main: Source::new(id("main.typ"), template.to_owned()),
            files: files.into_iter().map(|(name, bytes)| (id(&name), Bytes::new(bytes))).collect(),
            today: Datetime::from_ymd(today.year(), today.month() as u8, today.day() as u8)
                .expect("a calendar date is a Typst date"),
        }
    }
}

impl World for PacketWorld {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &shared().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.get().vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
