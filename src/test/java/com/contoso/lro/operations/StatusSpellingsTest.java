package com.contoso.lro.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract's leniency on input: the source page's notstarted is read as Graph's notStarted, and nothing else changes. */
class StatusSpellingsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', textBlock = """
    {"status": "notstarted", "statusDetail": "queued"} | {"status": "notStarted", "statusDetail": "queued"}
    {"status": "notStarted"}                           | {"status": "notStarted"}
    {"status": "NOTSTARTED"}                           | {"status": "NOTSTARTED"}
    {"status": "running"}                              | {"status": "running"}
    {"statusDetail": "notstarted"}                     | {"statusDetail": "notstarted"}
    {"status": null}                                   | {"status": null}
    ["notstarted"]                                     | ["notstarted"]
    """)
  void only_a_status_spelled_notstarted_is_read_as_notStarted(String body, String read) throws Exception {
    JsonNode sent = JSON.readTree(body);

    assertThat(StatusSpellings.canonical(sent)).isEqualTo(JSON.readTree(read));
    assertThat(sent).as("the body as sent is left as it was").isEqualTo(JSON.readTree(body));
  }
}
