// MavenRef.java — reference for the Maven comparator: ComparableVersion from
// Debian's maven-artifact.jar.  Reads "A<TAB>B" lines from args[0] and
// prints "<", "=" or ">" per line (Maven orders every string).
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class MavenRef {
    public static void main(String[] args) throws Exception {
        try (BufferedReader in = Files.newBufferedReader(Paths.get(args[0]), StandardCharsets.UTF_8);
             BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                int tab = line.indexOf('\t');
                int r = new ComparableVersion(line.substring(0, tab))
                        .compareTo(new ComparableVersion(line.substring(tab + 1)));
                out.write(r < 0 ? "<" : r > 0 ? ">" : "=");
                out.newLine();
            }
        }
    }
}
