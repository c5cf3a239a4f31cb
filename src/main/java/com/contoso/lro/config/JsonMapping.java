package com.contoso.lro.config;

import com.contoso.lro.contract.model.MainError;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.openapitools.jackson.nullable.JsonNullableModule;
import io.vertx.core.json.jackson.DatabindCodec;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Configures the Jackson mapper that Vert.x uses for {@code JsonObject.mapTo} and {@code Json.encode}.
 * Vert.x 5's mapper knows no java.time types until JavaTimeModule is registered.
 */
public final class JsonMapping {

  /** Graph's form: UTC, always three fractional digits, e.g. 2026-11-28T10:15:30.120Z. */
  public static final DateTimeFormatter UTC_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX");

  private JsonMapping() {
  }

  public static void configure() {
    ObjectMapper mapper = DatabindCodec.mapper();
    mapper.registerModule(new JavaTimeModule());
    mapper.registerModule(new JsonNullableModule());
    mapper.registerModule(new SimpleModule("graph-dates").addSerializer(OffsetDateTime.class, new UtcMillis()));
    mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    // Graph leaves out an error's target and details when it has none.
    mapper.addMixIn(MainError.class, OmitEmpty.class);
  }

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  private interface OmitEmpty {
  }

  public static String format(OffsetDateTime value) {
    return UTC_MILLIS.format(value.withOffsetSameInstant(ZoneOffset.UTC));
  }

  private static final class UtcMillis extends JsonSerializer<OffsetDateTime> {
    @Override
    public void serialize(OffsetDateTime value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      gen.writeString(format(value));
    }
  }
}
