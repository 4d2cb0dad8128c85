// jing for a batch of files in one JVM: the schema compiled once, the files checked by
// several threads, each with its own validator and parser (jing's Schema is shared; its
// validators are not). The file names come on standard input, one per line, as teitool
// writes the copies; the findings are printed as jing's own command line prints them
// ("file:line:column: error: message"), one file's lines together. Built by teitool
// (tei/validate/jing.py) from this source into a jar in its cache folder; without a Java
// compiler, teitool runs jing's own command line instead.
//
// Usage: java -cp jing.jar:DRIVER.jar TeitoolJing THREADS [-c] SCHEMA < FILE-NAMES
// Exit status: 0 every file valid, 1 a file invalid or the schema unusable, 2 a failure.

import com.thaiopensource.util.PropertyMapBuilder;
import com.thaiopensource.validate.Schema;
import com.thaiopensource.validate.SchemaReader;
import com.thaiopensource.validate.ValidateProperty;
import com.thaiopensource.validate.ValidationDriver;
import com.thaiopensource.validate.Validator;
import com.thaiopensource.validate.auto.AutoSchemaReader;
import com.thaiopensource.validate.prop.rng.RngProperty;
import com.thaiopensource.validate.rng.CompactSchemaReader;
import com.thaiopensource.xml.sax.ErrorHandlerImpl;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.DTDHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

public final class TeitoolJing {
  /** What the queue holds after the last file name: each worker puts it back for the next. */
  private static final String END = "";
  /** UTF-8 whatever the platform's encoding (System.out's own stream: a new one on its file
   *  descriptor would need a permission the sandbox does not give). */
  private static final PrintStream OUT = new PrintStream(System.out, false, StandardCharsets.UTF_8);
  /** 0 valid so far, 1 a file invalid, 2 a failure (the highest wins). */
  private static final AtomicInteger STATUS = new AtomicInteger(0);
  /** The stack of the threads that compile and validate: jing recurses as deep as a schema's
   *  patterns and a document's elements nest (a JVM's default stack is 1 MB at most). */
  private static final long STACK = 64L << 20;

  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[0]);
    boolean compact = args[1].equals("-c");
    // The names are read from the start, while the schema compiles: teitool must never wait
    // on a full pipe.
    BlockingQueue<String> names = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> read(names));
    reader.setDaemon(true);
    reader.start();
    Schema[] compiled = new Schema[1];
    Thread compiler = new Thread(null, () -> compiled[0] = compile(args[compact ? 2 : 1], compact),
                                 "compile", STACK);
    compiler.start();
    compiler.join();
    Schema schema = compiled[0];
    if (schema == null) {
      System.exit(1);
    }
    Thread[] workers = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      workers[i] = new Thread(null, () -> work(schema, names), "validate-" + i, STACK);
      workers[i].start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    OUT.flush();
    System.exit(STATUS.get());
  }

  /** The file names of standard input, then the end mark. */
  private static void read(BlockingQueue<String> names) {
    BufferedReader input =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try {
      for (String name; (name = input.readLine()) != null; ) {
        if (!name.isEmpty()) {
          names.put(name);
        }
      }
    } catch (IOException | InterruptedException e) {
      System.err.println(e);
      STATUS.set(2);
    }
    names.add(END);
  }

  /** The schema as jing's command line compiles it (ID/IDREF checks on); null after
   *  printing why it cannot be used. */
  private static Schema compile(String path, boolean compact) {
    StringWriter problems = new StringWriter();
    ErrorHandlerImpl handler = new ErrorHandlerImpl(problems);
    PropertyMapBuilder properties = new PropertyMapBuilder();
    properties.put(ValidateProperty.ERROR_HANDLER, handler);
    RngProperty.CHECK_ID_IDREF.add(properties);
    SchemaReader reader = compact ? CompactSchemaReader.getInstance() : new AutoSchemaReader();
    try {
      return reader.createSchema(ValidationDriver.fileInputSource(path), properties.toPropertyMap());
    } catch (com.thaiopensource.validate.IncorrectSchemaException e) {
      // its errors are reported already
    } catch (IOException | SAXException | RuntimeException e) {
      handler.printException(e);
    } catch (StackOverflowError e) {
      handler.print("fatal: the schema nests too deeply to compile");
    }
    OUT.print(problems);
    OUT.flush();
    return null;
  }

  /** One worker: file after file until the end mark, with its own validator and parser. */
  private static void work(Schema schema, BlockingQueue<String> names) {
    StringWriter found = new StringWriter();
    ErrorHandlerImpl handler = new ErrorHandlerImpl(found);
    PropertyMapBuilder properties = new PropertyMapBuilder();
    properties.put(ValidateProperty.ERROR_HANDLER, handler);
    try {
      Validator validator = schema.createValidator(properties.toPropertyMap());
      SAXParserFactory factory = SAXParserFactory.newInstance();
      factory.setNamespaceAware(true);
      XMLReader parser = factory.newSAXParser().getXMLReader();
      parser.setErrorHandler(handler);
      for (String name; !(name = names.take()).equals(END); ) {
        check(name, parser, validator, handler);
        report(found);
      }
      names.put(END);
    } catch (Exception | Error e) {
      System.err.println(e);
      STATUS.set(2);
    }
  }

  private static void check(String name, XMLReader parser, Validator validator,
                            ErrorHandlerImpl handler) {
    parser.setContentHandler(validator.getContentHandler());
    DTDHandler dtd = validator.getDTDHandler();
    if (dtd != null) {
      parser.setDTDHandler(dtd);
    }
    InputSource source = ValidationDriver.fileInputSource(name);
    try {
      parser.parse(source);
    } catch (IOException | SAXException e) {
      handler.printException(e);
    } catch (StackOverflowError e) {
      handler.printException(new SAXParseException(
          "the document nests too deeply to validate", null, source.getSystemId(), 1, 1));
    } catch (RuntimeException e) {
      System.err.println(e);  // a file the security manager did not let it read, say
      STATUS.set(2);
    } finally {
      validator.reset();
    }
  }

  /** One file's findings, printed together. */
  private static void report(StringWriter found) {
    StringBuffer lines = found.getBuffer();
    if (lines.length() == 0) {
      return;
    }
    synchronized (OUT) {
      OUT.print(lines);
      STATUS.compareAndSet(0, 1);
    }
    lines.setLength(0);
  }
}
