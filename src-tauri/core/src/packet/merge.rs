//! Appending attachment PDFs to the typeset packet with lopdf, and stamping
//! the packet's footer on their pages, so that every page of the file says
//! which requisition it belongs to and which page of how many it is.
//!
//! The typeset part is a tagged PDF. An appended tagged PDF (a purchase's
//! own packet in a reimbursement packet) has its structure tree grafted
//! under the packet's, so a screen reader reads on into it; an untagged one
//! (a vendor's scanned quote) stays as sent. The stamped footer is marked
//! as an artifact, as the typeset pages' footers are.

use lopdf::{dictionary, Document, Object, ObjectId, Stream};

/// Loads an attachment as a PDF that can be appended: its page count, or
/// why not, in words for the packet's attachment list.
pub(crate) fn load(bytes: &[u8]) -> Result<(Document, u32), String> {
    let doc = Document::load_mem(bytes).map_err(|e| format!("not a readable PDF ({e})"))?;
    if doc.is_encrypted() {
        return Err("the PDF is password-protected".into());
    }
    let pages = doc.get_pages().len() as u32;
    if pages == 0 {
        return Err("the PDF has no pages".into());
    }
    Ok((doc, pages))
}

const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

/// Copies the attributes a page inherits from its page-tree ancestors onto
/// the page itself, because appending gives it a new parent.
fn flatten_inherited(doc: &mut Document, page: ObjectId) {
    let mut missing: Vec<&[u8]> =
        INHERITED.iter().copied().filter(|k| doc.get_dictionary(page).map(|d| !d.has(k)).unwrap_or(false)).collect();
    let mut parent =
        doc.get_dictionary(page).ok().and_then(|d| d.get(b"Parent").ok()).and_then(|p| p.as_reference().ok());
    let mut found = Vec::new();
    let mut hops = 0;
    while let (Some(id), false) = (parent, missing.is_empty()) {
        hops += 1;
        if hops > 64 {
            break;
        }
        let Ok(dict) = doc.get_dictionary(id) else { break };
        missing.retain(|k| match dict.get(k) {
            Ok(v) => {
                found.push((k.to_vec(), v.clone()));
                false
            }
            Err(_) => true,
        });
        parent = dict.get(b"Parent").ok().and_then(|p| p.as_reference().ok());
    }
    if let Ok(dict) = doc.get_dictionary_mut(page) {
        for (k, v) in found {
            dict.set(k, v);
        }
        if !dict.has(b"MediaBox") {
            // US Letter, the PDF default when nothing says otherwise.
            dict.set("MediaBox", vec![0.into(), 0.into(), 612.into(), 792.into()]);
        }
    }
}

/// A PDF string literal: ASCII only, with the delimiters escaped.
fn literal(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 2);
    out.push(b'(');
    for c in text.chars() {
        let c = if c.is_ascii() && !c.is_ascii_control() { c } else { '?' };
        if matches!(c, '(' | ')' | '\\') {
            out.push(b'\\');
        }
        out.push(c as u8);
    }
    out.push(b')');
    out
}

/// Where a stamped line goes on a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Corner {
    /// Bottom left: a requisition packet's footer.
    Bottom,
    /// Top left: a bundle's running head over pages that have their own footer.
    Top,
}

/// Adds a footer line to a page: its own font resource and content streams
/// that save and restore the graphics state around the page's own content.
fn stamp(doc: &mut Document, page: ObjectId, footer: &str, corner: Corner) -> lopdf::Result<()> {
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let (x0, y0, y1) = {
        let dict = doc.get_dictionary(page)?;
        let media = dict.get(b"MediaBox").and_then(|m| m.as_array()).cloned().unwrap_or_default();
        let num = |o: Option<&Object>, d: f32| o.and_then(|v| v.as_float().ok()).unwrap_or(d);
        (num(media.first(), 0.0), num(media.get(1), 0.0), num(media.get(3), 792.0))
    };
    let y = match corner {
        Corner::Bottom => y0 + 16.0,
        Corner::Top => y1 - 18.0,
    };
    let mut text = b"Q q /Artifact <</Type /Pagination /Subtype /Footer>> BDC BT /CoopdeskFooter 7 Tf 0.35 g ".to_vec();
    text.extend(format!("{} {} Td ", x0 + 36.0, y).as_bytes());
    text.extend(literal(footer));
    text.extend(b" Tj ET EMC Q");
    let before = doc.add_object(Stream::new(dictionary! {}, b"q".to_vec()));
    let after = doc.add_object(Stream::new(dictionary! {}, text));

    let resources = match doc.get_dictionary(page)?.get(b"Resources") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id)?.clone(),
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => lopdf::Dictionary::new(),
    };
    let mut resources = resources;
    let mut fonts = match resources.get(b"Font") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id)?.clone(),
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => lopdf::Dictionary::new(),
    };
    fonts.set("CoopdeskFooter", font);
    resources.set("Font", fonts);

    let dict = doc.get_dictionary_mut(page)?;
    let mut contents = match dict.get(b"Contents") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(other) => vec![other.clone()],
        Err(_) => vec![],
    };
    contents.insert(0, before.into());
    contents.push(after.into());
    dict.set("Contents", contents);
    dict.set("Resources", resources);
    Ok(())
}

/// The number tree `node` as (key, value) pairs, leaves in order.
fn number_tree(doc: &Document, node: &Object, depth: u32, out: &mut Vec<(i64, Object)>) {
    let Some(dict) = deref(doc, node).and_then(|o| o.as_dict().ok()) else { return };
    if let Ok(nums) = dict.get(b"Nums").and_then(Object::as_array) {
        for pair in nums.chunks(2) {
            if let [key, value] = pair {
                if let Ok(key) = key.as_i64() {
                    out.push((key, value.clone()));
                }
            }
        }
    }
    if depth < 32 {
        for kid in dict.get(b"Kids").and_then(Object::as_array).cloned().unwrap_or_default() {
            number_tree(doc, &kid, depth + 1, out);
        }
    }
}

fn deref<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Object> {
    match object {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    }
}

/// A document's structure tree: where grafted elements go (its top
/// element, the Document), and its parent tree flattened, with the object
/// that held it, which writing the merged tree replaces.
struct StructTree {
    root: ObjectId,
    top: ObjectId,
    parents: Vec<(i64, Object)>,
    parent_tree: Option<ObjectId>,
}

impl StructTree {
    fn read(doc: &Document) -> Option<StructTree> {
        let root = doc.catalog().ok()?.get(b"StructTreeRoot").ok()?.as_reference().ok()?;
        let dict = doc.get_dictionary(root).ok()?;
        let top = match dict.get(b"K").ok()? {
            Object::Reference(id) => *id,
            Object::Array(a) if a.len() == 1 => a[0].as_reference().ok()?,
            _ => return None,
        };
        let mut parents = Vec::new();
        let mut parent_tree = None;
        if let Ok(tree) = dict.get(b"ParentTree") {
            number_tree(doc, tree, 0, &mut parents);
            parent_tree = tree.as_reference().ok();
        }
        Some(StructTree { root, top, parents, parent_tree })
    }

    fn next_key(&self) -> i64 {
        self.parents.iter().map(|(k, _)| k + 1).max().unwrap_or(0)
    }
}

/// Moves the structure of `doc` (already renumbered into `base`'s range)
/// under `tree`'s top element, shifting its parent-tree keys past `tree`'s
/// own; the pages of `doc` and their annotations follow the shift.
fn graft(base: &mut Document, tree: &mut StructTree, doc: &mut Document, pages: &[ObjectId]) -> lopdf::Result<()> {
    let Some(theirs) = StructTree::read(doc) else {
        // Untagged: its pages must not claim entries in the packet's tree.
        for &p in pages {
            doc.get_dictionary_mut(p)?.remove(b"StructParents");
        }
        return Ok(());
    };
    let shift = tree.next_key();
    let children = match doc.get_dictionary(theirs.top)?.get(b"K") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(other) => vec![other.clone()],
        Err(_) => vec![],
    };
    for child in &children {
        if let Object::Reference(id) = child {
            if let Ok(d) = doc.get_dictionary_mut(*id) {
                if d.has(b"S") {
                    d.set("P", tree.top);
                }
            }
        }
    }
    for &p in pages {
        let page = doc.get_dictionary_mut(p)?;
        if let Ok(key) = page.get(b"StructParents").and_then(Object::as_i64) {
            page.set("StructParents", key + shift);
        }
        let annots = match page.get(b"Annots") {
            Ok(Object::Array(a)) => a.clone(),
            _ => vec![],
        };
        for a in annots {
            if let Object::Reference(id) = a {
                if let Ok(annot) = doc.get_dictionary_mut(id) {
                    if let Ok(key) = annot.get(b"StructParent").and_then(Object::as_i64) {
                        annot.set("StructParent", key + shift);
                    }
                }
            }
        }
    }
    tree.parents.extend(theirs.parents.into_iter().map(|(k, v)| (k + shift, v)));
    // Its root, Document element and parent tree now live in the packet's.
    for id in [Some(theirs.root), Some(theirs.top), theirs.parent_tree].into_iter().flatten() {
        doc.objects.remove(&id);
    }
    let top = base.get_dictionary_mut(tree.top)?;
    let mut kids = match top.get(b"K") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(other) => vec![other.clone()],
        Err(_) => vec![],
    };
    kids.extend(children);
    top.set("K", kids);
    Ok(())
}

/// Writes `tree`'s parent tree back as one flat number tree.
fn write_parent_tree(base: &mut Document, tree: &StructTree) -> lopdf::Result<()> {
    let mut parents = tree.parents.clone();
    parents.sort_by_key(|(k, _)| *k);
    let nums: Vec<Object> = parents.into_iter().flat_map(|(k, v)| [Object::Integer(k), v]).collect();
    let parent_tree = base.add_object(dictionary! { "Nums" => nums });
    if let Some(old) = tree.parent_tree {
        base.objects.remove(&old);
    }
    let next = tree.next_key();
    let root = base.get_dictionary_mut(tree.root)?;
    root.set("ParentTree", parent_tree);
    root.set("ParentTreeNextKey", next);
    Ok(())
}

/// Appends `attachments` (already loaded) to `packet`, stamping each of their
/// pages with `footer(page_number)`; returns the merged file.
pub(crate) fn append(
    packet: &[u8],
    attachments: Vec<Document>,
    corner: Corner,
    footer: impl Fn(u32) -> String,
) -> lopdf::Result<Vec<u8>> {
    let mut base = Document::load_mem(packet)?;
    let root_pages = base.catalog()?.get(b"Pages")?.as_reference()?;
    let mut tree = StructTree::read(&base);
    let mut page_number = base.get_pages().len() as u32;
    for mut doc in attachments {
        doc.renumber_objects_with(base.max_id + 1);
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        for &p in &pages {
            flatten_inherited(&mut doc, p);
        }
        match tree.as_mut() {
            Some(tree) => graft(&mut base, tree, &mut doc, &pages)?,
            None => {
                for &p in &pages {
                    doc.get_dictionary_mut(p)?.remove(b"StructParents");
                }
            }
        }
        let page_tree: Vec<ObjectId> = doc
            .objects
            .iter()
            .filter(|(_, o)| matches!(o.type_name(), Ok(b"Catalog") | Ok(b"Pages")))
            .map(|(id, _)| *id)
            .collect();
        for id in page_tree {
            doc.objects.remove(&id);
        }
        for &p in &pages {
            page_number += 1;
            doc.get_dictionary_mut(p)?.set("Parent", root_pages);
            stamp(&mut doc, p, &footer(page_number), corner)?;
        }
        base.max_id = base.max_id.max(doc.max_id);
        base.objects.extend(doc.objects);
        let kids = base.get_dictionary_mut(root_pages)?;
        let mut list = kids.get(b"Kids")?.as_array()?.clone();
        list.extend(pages.iter().map(|&p| Object::Reference(p)));
        let count = kids.get(b"Count")?.as_i64()? + pages.len() as i64;
        kids.set("Kids", list);
        kids.set("Count", count);
    }
    if let Some(tree) = &tree {
        write_parent_tree(&mut base, tree)?;
    }
    base.compress();
    let mut out = Vec::new();
    base.save_to(&mut out)?;
    Ok(out)
}
