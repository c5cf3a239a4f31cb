package com.contoso.lro.operations;

/** The Graph permissions that guard authentication operations. */
final class Permissions {

  static final String READ_WRITE = "UserAuthenticationMethod.ReadWrite";
  static final String READ_WRITE_ALL = "UserAuthenticationMethod.ReadWrite.All";

  private Permissions() {
  }
}
