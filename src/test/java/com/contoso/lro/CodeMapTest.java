package com.contoso.lro;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's code map names every package under src/main/java, and every class in its package's entry. */
class CodeMapTest {

  private static final Path SOURCES = Path.of("src/main/java/com/contoso/lro");
  private static final String MAP_ROOT = "src/main/java/com/contoso/lro/";
  /** An entry of the map under MAP_ROOT: two spaces, then a package folder or a class file. */
  private static final Pattern ENTRY = Pattern.compile("^  (\\S+?)(/|\\.java)\\s(.*)$");

  @Test
  void every_package_is_in_the_map_and_every_entry_is_a_package() throws IOException {
    assertThat(mapEntries().keySet()).containsExactlyInAnyOrderElementsOf(treeEntries().keySet());
  }

  @Test
  void each_package_entry_names_every_class_of_its_package() throws IOException {
    Map<String, String> map = mapEntries();
    // A class of the root package is its own entry.
    treeEntries().entrySet().stream().filter(entry -> entry.getKey().endsWith("/")).forEach(entry -> assertThat(entry.getValue())
      .as("the README's code map, entry %s", entry.getKey())
      .allSatisfy(name -> assertThat(map.getOrDefault(entry.getKey(), "")).containsPattern("\\b" + Pattern.quote(name) + "\\b")));
  }

  /** Each package by its path below com/contoso/lro ("operations/query/"), each class of the root by its file. */
  private static Map<String, List<String>> treeEntries() throws IOException {
    Map<String, List<String>> entries = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(path -> path.toString().endsWith(".java") && !path.endsWith("package-info.java")).toList()) {
        String name = file.getFileName().toString().replaceFirst("\\.java$", "");
        Path folder = SOURCES.relativize(file.getParent());
        String entry = folder.toString().isEmpty() ? name + ".java" : folder.toString().replace('\\', '/') + "/";
        entries.computeIfAbsent(entry, key -> new ArrayList<>()).add(name);
      }
    }
    return entries;
  }

  /** The map's entries under src/main/java/com/contoso/lro/, each with its text, continuation lines included. */
  private static Map<String, String> mapEntries() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    String section = readme.substring(readme.indexOf("## How the code is laid out"), readme.indexOf("\n## Tests"));
    List<String> lines = section.substring(section.indexOf("```\n") + 4, section.indexOf("\n```", section.indexOf("```\n") + 4))
      .lines().toList();
    Map<String, String> entries = new LinkedHashMap<>();
    String current = null;
    boolean inside = false;
    for (String line : lines) {
      if (line.startsWith(MAP_ROOT)) {
        inside = true;
        continue;
      }
      Matcher entry = ENTRY.matcher(line);
      if (inside && entry.matches()) {
        current = entry.group(1) + (entry.group(2).equals("/") ? "/" : ".java");
        entries.put(current, entry.group(3));
      } else if (inside && line.startsWith("    ") && current != null) {
        entries.merge(current, " " + line.strip(), String::concat);
      } else if (inside && !line.startsWith(" ")) {
        break;
      }
    }
    return entries.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
  }
}
