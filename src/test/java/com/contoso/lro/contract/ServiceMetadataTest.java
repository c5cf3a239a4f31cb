package com.contoso.lro.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.olingo.client.core.ODataClientFactory;
import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmEnumType;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CSDL of GET $metadata, made from openapi.yaml, read back by Apache Olingo's CSDL reader: it
 * says what the contract's schemas say, and what Graph's own beta metadata says of the same types.
 */
class ServiceMetadataTest {

  private static final String NAMESPACE = "microsoft.graph";

  /** Graph's beta CSDL (msgraph-metadata, schemas/beta-*.csdl) for the types this service serves. */
  private static final String GRAPH_OPERATION = """
    <EntityType Name="longRunningOperation" BaseType="graph.entity">
      <Property Name="createdDateTime" Type="Edm.DateTimeOffset" />
      <Property Name="lastActionDateTime" Type="Edm.DateTimeOffset" />
      <Property Name="resourceLocation" Type="Edm.String" />
      <Property Name="status" Type="graph.longRunningOperationStatus" />
      <Property Name="statusDetail" Type="Edm.String" />
    </EntityType>""";
  private static final String GRAPH_STATUS = """
    <EnumType Name="longRunningOperationStatus">
      <Member Name="notStarted" Value="0" />
      <Member Name="running" Value="1" />
      <Member Name="succeeded" Value="2" />
      <Member Name="failed" Value="3" />
      <Member Name="unknownFutureValue" Value="4" />
    </EnumType>""";
  private static final String GRAPH_ENTITY = """
    <EntityType Name="entity" Abstract="true">
      <Key>
        <PropertyRef Name="id" />
      </Key>
      <Property Name="id" Type="Edm.String" Nullable="false" />
    </EntityType>""";

  @Test
  void longRunningOperation_has_exactly_the_contracts_properties_and_status_its_enum() throws IOException {
    JsonObject contract = contract();
    Edm edm = read(ServiceMetadata.of(contract).document().toString());

    JsonObject schemas = contract.getJsonObject("components").getJsonObject("schemas");
    List<String> declared = new ArrayList<>(schemas.getJsonObject("entity").getJsonObject("properties").fieldNames());
    schemas.getJsonObject("longRunningOperation").getJsonArray("allOf").getJsonObject(1).getJsonObject("properties")
      .fieldNames().stream().filter(name -> !name.startsWith("@")).forEach(declared::add);
    EdmEntityType operation = edm.getEntityType(new FullQualifiedName(NAMESPACE, "longRunningOperation"));
    assertThat(operation.getPropertyNames()).containsExactlyInAnyOrderElementsOf(declared);

    JsonArray members = schemas.getJsonObject("longRunningOperationStatus").getJsonArray("enum");
    EdmEnumType status = edm.getEnumType(new FullQualifiedName(NAMESPACE, "longRunningOperationStatus"));
    assertThat(status.getMemberNames()).containsExactlyElementsOf(members.stream().map(String::valueOf).toList());
  }

  @Test
  void the_types_are_written_as_graphs_beta_metadata_writes_them() throws IOException {
    String document = ServiceMetadata.of(contract()).document().toString();

    assertThat(element(document, "EntityType", "longRunningOperation")).isEqualTo(normalized(GRAPH_OPERATION));
    assertThat(element(document, "EnumType", "longRunningOperationStatus")).isEqualTo(normalized(GRAPH_STATUS));
    assertThat(element(document, "EntityType", "entity")).isEqualTo(normalized(GRAPH_ENTITY));
    assertThat(document).contains("<edmx:Edmx xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\" Version=\"4.0\">")
      .contains("Namespace=\"microsoft.graph\" Alias=\"graph\"");
  }

  @Test
  void a_property_added_to_the_contract_appears_in_the_metadata_and_a_member_added_to_the_enum_too() throws IOException {
    JsonObject contract = contract();
    JsonObject schemas = contract.getJsonObject("components").getJsonObject("schemas");
    schemas.getJsonObject("longRunningOperation").getJsonArray("allOf").getJsonObject(1).getJsonObject("properties")
      .put("percentComplete", new JsonObject().put("type", "integer").put("format", "int32"));
    schemas.getJsonObject("longRunningOperationStatus").getJsonArray("enum").add("paused");

    Edm edm = read(ServiceMetadata.of(contract).document().toString());

    EdmEntityType operation = edm.getEntityType(new FullQualifiedName(NAMESPACE, "longRunningOperation"));
    assertThat(operation.getStructuralProperty("percentComplete").getType().getFullQualifiedName().getFullQualifiedNameAsString())
      .isEqualTo("Edm.Int32");
    assertThat(edm.getEnumType(new FullQualifiedName(NAMESPACE, "longRunningOperationStatus")).getMemberNames()).endsWith("paused");
  }

  @Test
  void a_property_that_csdl_cannot_describe_fails_start_up_naming_it() throws IOException {
    JsonObject contract = contract();
    contract.getJsonObject("components").getJsonObject("schemas").getJsonObject("longRunningOperation")
      .getJsonArray("allOf").getJsonObject(1).getJsonObject("properties").put("steps", new JsonObject().put("type", "array"));

    assertThatThrownBy(() -> ServiceMetadata.of(contract)).hasMessageContaining("longRunningOperation.steps");
  }

  // ----

  private static JsonObject contract() throws IOException {
    return ServedContract.parse(Files.readString(Path.of("openapi.yaml"))).tree();
  }

  private static Edm read(String document) {
    return ODataClientFactory.getClient().getReader()
      .readMetadata(new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)));
  }

  /** One element of a CSDL document, by its name, with the whitespace between its tags dropped. */
  private static String element(String document, String tag, String name) {
    Matcher matcher = Pattern.compile("<" + tag + " Name=\"" + name + "\".*?</" + tag + ">", Pattern.DOTALL).matcher(document);
    assertThat(matcher.find()).as(tag + " " + name).isTrue();
    return normalized(matcher.group());
  }

  private static String normalized(String xml) {
    return xml.replaceAll(">\\s+<", "><").replace(" />", "/>").trim();
  }
}
