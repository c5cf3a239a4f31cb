package com.contoso.lro.auth;

/**
 * Whose operations a request acts on.
 *
 * @param id the owner's object id, lowercase: the key of every stored operation
 */
public record Owner(String id) {
}
