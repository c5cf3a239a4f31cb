package com.contoso.lro.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A path's segments, found in place as the whole path split would give them. */
class OperationChecksTest {

  @Test
  void a_segment_found_in_place_is_the_segment_of_the_split_path() {
    List<String> paths = List.of("/beta/me/authentication/operations/abc", "/beta//me/authentication/operations/%24count",
      "/beta/users/u1/authentication/operations/", "/", "", "beta/me", "/beta/me/authentication/operations/a+b//");
    for (String path : paths) {
      String[] split = OperationChecks.segments(path);
      for (int index = 0; index < split.length + 2; index++) {
        String expected = index < split.length ? split[index] : "";
        assertThat(OperationChecks.segment(path, index)).as("segment %d of '%s'", index, path).isEqualTo(expected);
      }
    }
  }
}
