package com.contoso.lro.auth;

/**
 * Whose operations a request acts on.
 *
 * @param id   the owner's object id, lowercase: the key of every stored operation
 * @param self whether the owner is the caller; otherwise the request needs an {@code .All} permission
 */
public record Owner(String id, boolean self) {
}
