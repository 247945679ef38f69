/**
 * Encryption at rest: upstream's EncryptionConfiguration (aesgcm, aescbc, secretbox, kms v2 and
 * identity providers) and the store decorator that encrypts the configured resources' values on
 * write and decrypts them on read and watch.
 */
package io.k8j.apiserver.encryption;
