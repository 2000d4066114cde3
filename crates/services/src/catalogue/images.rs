//! Profile images: vetted and re-encoded by the `ImageCodec`, stored under a server-made
//! name in the `FileStore`, recorded in the catalogue.

use headliner_domain::ids::{CelebrityId, ImageId};
use headliner_domain::role::Actor;
use headliner_ports::celebrities::ImageRecord;
use headliner_ports::files::{FileStoreError, StoredFileName};

use super::{CatalogueError, CataloguePorts, may_manage};

/// Admins, or the celebrity's talent, upload a new image; it becomes the profile's image.
/// The bytes are decoded and encoded again, so only pixels are kept (no EXIF or GPS, no
/// trailing payloads). The file is written before the record; if the record cannot be
/// stored the file is removed again (a crash in between leaves an unreferenced file, never a
/// record without its file).
pub async fn upload_image(
    ports: &CataloguePorts,
    actor: &Actor,
    celebrity: CelebrityId,
    bytes: Vec<u8>,
) -> Result<ImageRecord, CatalogueError> {
    may_upload(actor, celebrity)?;
    ports.celebrities.profile(celebrity).await?;
    let clean = ports.images.clean(bytes, ports.image_limits).await?;
    let id = ImageId::from_uuid(ports.ids.new_id());
    let file_name =
        StoredFileName::new(&id.to_string(), clean.format).map_err(|e| CatalogueError::Unavailable(Box::new(e)))?;
    let byte_size = u64::try_from(clean.bytes.len()).unwrap_or(u64::MAX);
    ports.files.put(file_name.clone(), clean.bytes).await.map_err(unavailable)?;
    let record = ImageRecord {
        id,
        celebrity_id: celebrity,
        file_name: file_name.clone(),
        width: clean.width,
        height: clean.height,
        byte_size,
        created_at: ports.clock.now(),
    };
    if let Err(e) = ports.celebrities.insert_image(record.clone()).await {
        // Best effort: an unreferenced file is harmless, a failed delete changes nothing.
        let _ = ports.files.delete(file_name).await;
        return Err(e.into());
    }
    Ok(record)
}

/// Whether `actor` may upload an image for `celebrity`: callers check it before reading a
/// large body, and [`upload_image`] checks it again.
pub fn may_upload(actor: &Actor, celebrity: CelebrityId) -> Result<(), CatalogueError> {
    if may_manage(actor, celebrity) {
        return Ok(());
    }
    Err(match actor {
        Actor::Talent { .. } => CatalogueError::Forbidden("talent may change only their own image"),
        _ => CatalogueError::Forbidden("only admins and the celebrity's talent change its image"),
    })
}

/// The bytes of a stored image (`NotFound` for an unknown name).
pub async fn image_bytes(ports: &CataloguePorts, name: StoredFileName) -> Result<Vec<u8>, CatalogueError> {
    ports.files.get(name).await.map_err(|e| match e {
        FileStoreError::NotFound => CatalogueError::NotFound,
        other => unavailable(other),
    })
}

fn unavailable(e: FileStoreError) -> CatalogueError {
    CatalogueError::Unavailable(Box::new(e))
}
