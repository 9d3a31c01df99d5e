-- Kernels and images. An image names its kernel; a kernel in use by an image
-- cannot be deleted (RESTRICT), matching IMG-6's "refused while in use".

CREATE TABLE kernels (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    vmlinux_path TEXT,
    bzimage_path TEXT,
    initrd_path  TEXT,
    modules_path TEXT,
    source       TEXT NOT NULL,              -- 'import', 'catalog', 'build'
    created_at   TEXT NOT NULL,
    CHECK (vmlinux_path IS NOT NULL OR bzimage_path IS NOT NULL)
);

CREATE TABLE images (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    distro            TEXT NOT NULL,
    arch              TEXT NOT NULL,
    kernel_id         TEXT REFERENCES kernels(id) ON DELETE RESTRICT,
    rootfs_path       TEXT NOT NULL,
    work_seed_path    TEXT,
    rootfs_size_bytes INTEGER NOT NULL CHECK (rootfs_size_bytes > 0),
    rootfs_sha256     TEXT NOT NULL,
    recipe_hash       TEXT,                  -- set for built images: the build cache key
    source            TEXT NOT NULL,         -- 'build', 'catalog', 'oci', 'register'
    created_at        TEXT NOT NULL
);

CREATE INDEX images_recipe ON images(recipe_hash);

-- OCI layers fetched once and reused by digest (IMG-5).
CREATE TABLE oci_layers (
    digest     TEXT PRIMARY KEY,
    path       TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    fetched_at TEXT NOT NULL
);
