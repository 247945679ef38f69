/**
 * Images: pull policy and pull back-off ({@link io.k8j.kubelet.images.ImageManager}), image names,
 * importing archives ({@link io.k8j.kubelet.images.ImageImporter}) and writing small OCI images
 * (the busybox image tests run, the pause image each sandbox runs).
 */
package io.k8j.kubelet.images;
