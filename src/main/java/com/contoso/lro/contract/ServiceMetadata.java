package com.contoso.lro.contract;

import com.contoso.lro.graph.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.MIMEHeader;
import io.vertx.ext.web.RoutingContext;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * GET /beta/$metadata: the CSDL (OData 4.0, XML) of what this service serves, as Graph's own
 * metadata describes it, made once at start-up from openapi.yaml's schemas, so that the two cannot
 * drift: {@code microsoft.graph.entity} and {@code longRunningOperation} from the schemas of those
 * names, with every enum their properties refer to; and Graph's path to the operations: the
 * {@code users} set and the {@code me} singleton of {@code user}, whose contained
 * {@code authentication} contains the {@code operations}. Graph's types have more than these; only
 * what this service serves is described.
 */
public final class ServiceMetadata {

  private static final String MEDIA_TYPE = "application/xml";
  private static final String NAMESPACE = "microsoft.graph";
  private static final String ALIAS = "graph";
  private static final String EDMX = "http://docs.oasis-open.org/odata/ns/edmx";
  private static final String EDM = "http://docs.oasis-open.org/odata/ns/edm";
  private static final String SCHEMA_REF = "#/components/schemas/";
  /** Graph's root of every entity: abstract, keyed by id. */
  private static final String ENTITY = "entity";
  /** The contract's schema of the operations, the entity this service serves. */
  private static final String OPERATION = "longRunningOperation";

  private final Buffer document;

  private ServiceMetadata(Buffer document) {
    this.document = document;
  }

  /** @param contract openapi.yaml's tree; a schema this cannot describe in CSDL fails start-up */
  public static ServiceMetadata of(JsonObject contract) {
    JsonObject schemas = contract.getJsonObject("components").getJsonObject("schemas");
    Map<String, List<String>> enums = new TreeMap<>();
    List<Property> entityProperties = properties(schemas, ENTITY, schema(schemas, ENTITY), enums);
    List<Property> operationProperties = properties(schemas, OPERATION, ownPart(schemas, OPERATION), enums);
    try {
      StringWriter text = new StringWriter();
      XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
      xml.writeStartDocument("utf-8", "1.0");
      xml.setPrefix("edmx", EDMX);
      xml.writeStartElement(EDMX, "Edmx");
      xml.writeNamespace("edmx", EDMX);
      xml.writeAttribute("Version", "4.0");
      xml.writeStartElement(EDMX, "DataServices");
      xml.setDefaultNamespace(EDM);
      xml.writeStartElement(EDM, "Schema");
      xml.writeDefaultNamespace(EDM);
      xml.writeAttribute("Namespace", NAMESPACE);
      xml.writeAttribute("Alias", ALIAS);
      for (Map.Entry<String, List<String>> enumType : enums.entrySet()) {
        xml.writeStartElement(EDM, "EnumType");
        xml.writeAttribute("Name", enumType.getKey());
        List<String> members = enumType.getValue();
        for (int value = 0; value < members.size(); value++) {
          xml.writeEmptyElement(EDM, "Member");
          xml.writeAttribute("Name", members.get(value));
          xml.writeAttribute("Value", String.valueOf(value));
        }
        xml.writeEndElement();
      }
      // Graph's entity is abstract, keyed by its id.
      xml.writeStartElement(EDM, "EntityType");
      xml.writeAttribute("Name", ENTITY);
      xml.writeAttribute("Abstract", "true");
      xml.writeStartElement(EDM, "Key");
      xml.writeEmptyElement(EDM, "PropertyRef");
      xml.writeAttribute("Name", "id");
      xml.writeEndElement();
      writeProperties(xml, entityProperties);
      xml.writeEndElement();
      entityType(xml, "authentication", () -> navigation(xml, "operations", "Collection(" + ALIAS + "." + OPERATION + ")"));
      entityType(xml, OPERATION, () -> writeProperties(xml, operationProperties));
      entityType(xml, "user", () -> navigation(xml, "authentication", ALIAS + ".authentication"));
      xml.writeStartElement(EDM, "EntityContainer");
      xml.writeAttribute("Name", "GraphService");
      xml.writeEmptyElement(EDM, "EntitySet");
      xml.writeAttribute("Name", "users");
      xml.writeAttribute("EntityType", NAMESPACE + ".user");
      xml.writeEmptyElement(EDM, "Singleton");
      xml.writeAttribute("Name", "me");
      xml.writeAttribute("Type", NAMESPACE + ".user");
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.close();
      return new ServiceMetadata(Buffer.buffer(text.toString()));
    } catch (XMLStreamException e) {
      throw new IllegalStateException("The CSDL could not be written", e);
    }
  }

  /** The document, as served. */
  public Buffer document() {
    return document.copy();
  }

  /**
   * Answers the request with the document, or 406 when its Accept names no XML: OData 4.0 has no
   * other format for metadata.
   */
  public void serve(RoutingContext ctx) {
    if (!acceptsXml(ctx.parsedHeaders().accept())) {
      ctx.fail(ApiException.of(406, "The metadata document is served as " + MEDIA_TYPE + " only."));
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE).end(document);
  }

  private static boolean acceptsXml(List<MIMEHeader> accept) {
    if (accept.isEmpty()) {
      return true;
    }
    for (MIMEHeader range : accept) {
      if (range.weight() > 0 && (range.component().equals("*") || range.component().equalsIgnoreCase("application"))
          && (range.subComponent().equals("*") || range.subComponent().equalsIgnoreCase("xml"))) {
        return true;
      }
    }
    return false;
  }

  // ---- from the contract's schemas

  private record Property(String name, String type, boolean nullable) {
  }

  private interface Body {
    void write() throws XMLStreamException;
  }

  private static void entityType(XMLStreamWriter xml, String name, Body body) throws XMLStreamException {
    xml.writeStartElement(EDM, "EntityType");
    xml.writeAttribute("Name", name);
    xml.writeAttribute("BaseType", ALIAS + "." + ENTITY);
    body.write();
    xml.writeEndElement();
  }

  private static void navigation(XMLStreamWriter xml, String name, String type) throws XMLStreamException {
    xml.writeEmptyElement(EDM, "NavigationProperty");
    xml.writeAttribute("Name", name);
    xml.writeAttribute("Type", type);
    xml.writeAttribute("ContainsTarget", "true");
  }

  private static void writeProperties(XMLStreamWriter xml, List<Property> properties) throws XMLStreamException {
    for (Property property : properties) {
      xml.writeEmptyElement(EDM, "Property");
      xml.writeAttribute("Name", property.name());
      xml.writeAttribute("Type", property.type());
      if (!property.nullable()) {
        xml.writeAttribute("Nullable", "false");
      }
    }
  }

  private static JsonObject schema(JsonObject schemas, String name) {
    JsonObject schema = schemas.getJsonObject(name);
    if (schema == null) {
      throw new IllegalStateException("openapi.yaml has no schema " + name + " for $metadata");
    }
    return schema;
  }

  /** What a schema adds to the entity it extends ({@code allOf: [entity, {properties}]}). */
  private static JsonObject ownPart(JsonObject schemas, String name) {
    JsonArray allOf = schema(schemas, name).getJsonArray("allOf");
    if (allOf == null || allOf.size() != 2 || !(SCHEMA_REF + ENTITY).equals(allOf.getJsonObject(0).getString("$ref"))) {
      throw new IllegalStateException("openapi.yaml: " + name + " must be allOf [entity, its own properties] for $metadata");
    }
    return allOf.getJsonObject(1);
  }

  /** The schema's properties, by name as Graph lists them, without the @odata annotations. */
  private static List<Property> properties(JsonObject schemas, String owner, JsonObject schema, Map<String, List<String>> enums) {
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    JsonArray required = schema.getJsonArray("required", new JsonArray());
    Map<String, Property> byName = new TreeMap<>();
    for (String name : properties.fieldNames()) {
      if (name.startsWith("@")) {
        continue;
      }
      JsonObject property = properties.getJsonObject(name);
      List<String> types = types(property);
      // The key is never null in OData, whether or not the contract requires it on input (a create may leave it out).
      boolean key = owner.equals(ENTITY) && name.equals("id");
      byName.put(name, new Property(name, edmType(schemas, owner + "." + name, property, types, enums),
        !key && (!required.contains(name) || types.contains("null"))));
    }
    return new ArrayList<>(byName.values());
  }

  private static List<String> types(JsonObject property) {
    Object type = property.getValue("type");
    if (type instanceof JsonArray list) {
      return list.stream().map(String::valueOf).toList();
    }
    return type == null ? List.of() : List.of(String.valueOf(type));
  }

  private static String edmType(JsonObject schemas, String where, JsonObject property, List<String> types,
                                Map<String, List<String>> enums) {
    String ref = property.getString("$ref");
    if (ref != null && ref.startsWith(SCHEMA_REF)) {
      String name = ref.substring(SCHEMA_REF.length());
      JsonObject target = schema(schemas, name);
      JsonArray members = target.getJsonArray("enum");
      if (!"string".equals(target.getString("type")) || members == null) {
        throw new IllegalStateException("openapi.yaml: " + where + " refers to " + name + ", which $metadata can only describe as a string enum");
      }
      enums.put(name, members.stream().map(String::valueOf).toList());
      return ALIAS + "." + name;
    }
    List<String> values = types.stream().filter(type -> !type.equals("null")).toList();
    String type = values.size() == 1 ? values.get(0) : "";
    String format = property.getString("format", "");
    return switch (type) {
      case "string" -> format.equals("date-time") ? "Edm.DateTimeOffset" : "Edm.String";
      case "boolean" -> "Edm.Boolean";
      case "integer" -> format.equals("int32") ? "Edm.Int32" : "Edm.Int64";
      default -> throw new IllegalStateException("openapi.yaml: $metadata cannot describe the type of " + where);
    };
  }
}
