// jing for a batch of files in one JVM: the schema compiled once, the files checked by
// several threads, each with its own validator and parser (jing's Schema is shared; its
// validators are not). The documents come on standard input, as teitool's gate accepts them,
// each as a line "LENGTH NAME" and then LENGTH bytes (NAME names it in the findings; no file
// is read but the schema's); the findings are printed as jing's own command line prints
// them ("file:line:column: error: message"), one file's lines together. Built by teitool
// (tei/validate/jing.py) from this source into a jar in its cache folder; without a Java
// compiler, teitool runs jing's own command line instead.
//
// Usage: java -cp jing.jar:DRIVER.jar TeitoolJing THREADS [-c] SCHEMA < DOCUMENTS
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
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.DTDHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

public final class TeitoolJing {
  /** A document of standard input: the name its findings carry, its bytes, the memory it
   *  holds (see MEMORY). A class, not a record: the driver builds with Java 11's compiler. */
  private static final class Document {
    final String name;
    final byte[] data;
    final int held;

    Document(String name, byte[] data, int held) {
      this.name = name;
      this.data = data;
      this.held = held;
    }
  }

  /** What the queue holds after the last document: each worker puts it back for the next. */
  private static final Document END = new Document("", new byte[0], 0);
  /** The bytes of documents read but not yet checked, at most (one bigger document alone):
   *  while the schema compiles, the reader stops here, and teitool's writes wait. */
  private static final int BUDGET = 64 << 20;
  private static final Semaphore MEMORY = new Semaphore(BUDGET);
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
    // The documents are read from the start, while the schema compiles: teitool's writes
    // wait only once BUDGET bytes wait here.
    BlockingQueue<Document> documents = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> read(documents));
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
      workers[i] = new Thread(null, () -> work(schema, documents), "validate-" + i, STACK);
      workers[i].start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    OUT.flush();
    System.exit(STATUS.get());
  }

  /** The documents of standard input, then the end mark. */
  private static void read(BlockingQueue<Document> documents) {
    DataInputStream input = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
    try {
      for (String header; (header = line(input)) != null; ) {
        int space = header.indexOf(' ');
        int length = Integer.parseInt(header.substring(0, space));
        int held = Math.min(length, BUDGET);
        MEMORY.acquire(held);
        byte[] data = new byte[length];
        input.readFully(data);
        documents.put(new Document(header.substring(space + 1), data, held));
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      System.err.println(e);
      STATUS.set(2);
    }
    documents.add(END);
  }

  /** A header line (UTF-8, without its line break); null at the end of the input. */
  private static String line(DataInputStream input) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(80);
    for (int b; (b = input.read()) != '\n'; ) {
      if (b < 0) {
        if (bytes.size() == 0) {
          return null;
        }
        throw new IOException("the input ends within a document's header");
      }
      bytes.write(b);
    }
    return bytes.toString(StandardCharsets.UTF_8);
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

  /** One worker: document after document until the end mark, with its own validator and
   *  parser. */
  private static void work(Schema schema, BlockingQueue<Document> documents) {
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
      for (Document document; (document = documents.take()) != END; ) {
        check(document, parser, validator, handler);
        MEMORY.release(document.held);
        report(found);
      }
      documents.put(END);
    } catch (Exception | Error e) {
      System.err.println(e);
      STATUS.set(2);
    }
  }

  private static void check(Document document, XMLReader parser, Validator validator,
                            ErrorHandlerImpl handler) {
    parser.setContentHandler(validator.getContentHandler());
    DTDHandler dtd = validator.getDTDHandler();
    if (dtd != null) {
      parser.setDTDHandler(dtd);
    }
    // Named as a file, as jing's command line names one, so its findings read alike.
    InputSource source = ValidationDriver.fileInputSource(document.name);
    source.setByteStream(new ByteArrayInputStream(document.data));
    try {
      parser.parse(source);
    } catch (IOException | SAXException e) {
      handler.printException(e);
    } catch (StackOverflowError e) {
      handler.printException(new SAXParseException(
          "the document nests too deeply to validate", null, source.getSystemId(), 1, 1));
    } catch (RuntimeException e) {
      System.err.println(e);
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
