// The case page's tabs: the tab whose panel htmx has just loaded becomes the current one.
// One listener for every page, instead of a handler written into each tab of each page.
document.addEventListener("htmx:afterRequest", (event) => {
  const tab = event.detail.elt;
  const tabs = tab instanceof Element ? tab.closest(".tabs") : null;
  if (!tabs) return;
  for (const link of tabs.querySelectorAll("a")) link.removeAttribute("aria-current");
  tab.setAttribute("aria-current", "page");
});
